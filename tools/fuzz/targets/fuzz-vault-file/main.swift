import FuzzDriver

runFuzzer(fuzzVaultFile)
