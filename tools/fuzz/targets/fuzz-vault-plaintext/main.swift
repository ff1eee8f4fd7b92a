import FuzzDriver

runFuzzer(fuzzVaultPlaintext)
