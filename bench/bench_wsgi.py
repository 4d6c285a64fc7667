"""The app as `make serve` runs it, plus a bare Flask "hello" at /__hello on the same server: the
load bench's reference for what the server and the client themselves cost."""
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from wsgi import app as providerdesk

hello = Flask("hello")


@hello.route("/")
def index():
    return "hello"


app = DispatcherMiddleware(providerdesk, {"/__hello": hello})
