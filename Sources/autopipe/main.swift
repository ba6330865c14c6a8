print("autopipe")
