print("irectl")
