"""The process shape of the h2c stand-ins: listen on 127.0.0.1, run `serve(socket)` for each
connection on a thread of its own. As a process (run): print the port and end when stdin
closes (the test that started the process is done). In a Python test (start): serve from
daemon threads and return the port."""
import socket
import sys
import threading


def start(serve):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def accept():
        while True:
            client, _ = listener.accept()
            threading.Thread(target=serve, args=(client,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def run(serve):
    print(start(serve), flush=True)
    sys.stdin.read()
