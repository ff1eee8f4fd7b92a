// placeholder until the NativeLogin work lands
