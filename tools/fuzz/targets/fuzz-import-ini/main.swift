import FuzzDriver

runFuzzer(fuzzImportINI)
