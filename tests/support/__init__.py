"""Test support shared by every suite.

- ``asgi``: drive an ASGI app in-process (one HTTP request, or a lifespan run), no sockets.
- ``client``: call AWS operations on an in-process app through botocore's own serializer and parser.
- ``recorded``: load the responses recorded from real AWS and compare ours with them.
"""
