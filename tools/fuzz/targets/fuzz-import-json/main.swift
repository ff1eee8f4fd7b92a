import FuzzDriver

runFuzzer(fuzzImportJSON)
