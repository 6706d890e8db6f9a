"""The client side of apigate: what the ``apigate`` CLI and the example installer do to a gateway.

Everything here talks to a gateway through botocore clients (the same wire as boto3 and the AWS
CLI), so the CLI and ``serve --example`` share one code path: the CLI's clients send HTTP to a
running gateway, the example's are answered in process by the gateway's own management API
(``inprocess.py``). Nothing here imports click.
"""
