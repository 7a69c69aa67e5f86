from socketstat import socketstat

unsent: int = socketstat(0).unsent
