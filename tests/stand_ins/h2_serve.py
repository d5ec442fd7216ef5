"""The process shape of the h2c stand-ins: listen on 127.0.0.1, print the port, run
`serve(socket)` for each connection on a thread of its own, and end when stdin closes (the
test that started the process is done)."""
import socket
import sys
import threading


def run(serve):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)

    def accept():
        while True:
            client, _ = listener.accept()
            threading.Thread(target=serve, args=(client,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    sys.stdin.read()
