import FuzzDriver

runFuzzer(fuzzKeyfile)
