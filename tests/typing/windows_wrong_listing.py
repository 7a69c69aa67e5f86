from socketstat import sockets

print(sockets("tcp"))
