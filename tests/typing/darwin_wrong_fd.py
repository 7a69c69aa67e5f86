from socketstat import socketstat

print(socketstat("3"))
