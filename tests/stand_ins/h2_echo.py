#!/usr/bin/env python3
"""An HTTP/2 (h2c, prior knowledge) stand-in for the outbound client's tests, on
127.0.0.1: prints its port, then serves until stdin closes.

  /echo    answers 200 at once, sends back each piece of the request body as it comes,
           and ends the stream when the request's body ends
  /reset   resets the stream (RST_STREAM INTERNAL_ERROR) when the first piece arrives
  /silent  never answers
Every response carries x-stream-count: the streams open on the connection at that time.
"""
import h2.config
import h2.connection
import h2.errors
import h2.events

import h2_serve


def serve(sock):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    paths = {}
    pending = {}  # stream id -> bytes to echo that the window did not allow yet

    def echo(stream_id, data):
        pending[stream_id] = pending.get(stream_id, b"") + data
        flush(stream_id)

    def flush(stream_id):
        data = pending.get(stream_id, b"")
        room = min(conn.local_flow_control_window(stream_id), len(data))
        while room > 0:
            size = min(room, conn.max_outbound_frame_size)
            conn.send_data(stream_id, data[:size])
            data, room = data[size:], room - size
        pending[stream_id] = data
        if not data and paths.get(stream_id) == "ended":
            conn.end_stream(stream_id)
            paths.pop(stream_id, None)

    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            return
        if not data:
            return
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                path = dict((k.decode() if isinstance(k, bytes) else k,
                             v.decode() if isinstance(v, bytes) else v)
                            for k, v in event.headers)[":path"]
                paths[event.stream_id] = path
                if path == "/echo":
                    conn.send_headers(event.stream_id, [(":status", "200"),
                                                        ("x-stream-count", str(len(paths)))])
            elif isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                path = paths.get(event.stream_id)
                if path == "/echo" and event.data:
                    echo(event.stream_id, event.data)
                elif path == "/reset":
                    conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
                    paths.pop(event.stream_id, None)
            elif isinstance(event, h2.events.StreamEnded):
                if paths.get(event.stream_id) == "/echo":
                    paths[event.stream_id] = "ended"  # once what is pending went out
                    flush(event.stream_id)
            elif isinstance(event, h2.events.WindowUpdated):
                for stream_id in list(pending):
                    if stream_id in paths:
                        flush(stream_id)
            elif isinstance(event, h2.events.StreamReset):
                paths.pop(event.stream_id, None)
        out = conn.data_to_send()
        if out:
            sock.sendall(out)


if __name__ == "__main__":
    h2_serve.run(serve)
