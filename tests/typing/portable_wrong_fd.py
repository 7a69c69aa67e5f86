from socketstat import socketstat

socketstat("3")
