"""The seed's application server shape (Flask behind gunicorn) with the same tiny
JSON route as mindme's /v1/ping, for bench/http_baseline.sh."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/v1/ping")
def ping():
    return jsonify(pong=True)
