import App
print("embedded-api")
