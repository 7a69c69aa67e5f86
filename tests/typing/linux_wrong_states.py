from socketstat import sockets

sockets("tcp", states=["ESTABLISHED"])
