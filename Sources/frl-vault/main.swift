print("frl-vault: not built yet")
