// placeholder until the SecureFiles work lands
