"""The embedded Lambda service (issue 3): functions, versions, aliases, concurrency, permissions.

Three parts, each behind a small typed seam (``spec.py`` holds the shared records):

* ``control/`` — the management API of service ``lambda`` (botocore's ``lambda`` model drives the
  wire exactly as for ``apigateway``; handlers register in ``apigate.control.registry.HANDLERS``
  under service ``"lambda"``). Function configuration, versions and aliases are documents of the
  configuration store; code zips are content-addressed blobs of the store (``CodeSha256``).
* ``runtime/`` — warm worker processes that run function code (Python on the local interpreter,
  Node.js where ``node`` exists), one request at a time per execution environment, with timeouts,
  crash isolation, log capture and concurrency limits. It knows nothing of the store or of ARNs:
  it executes a ``FunctionSpec``.
* ``service.py`` — ``LambdaService``, the one entry point for callers (the ``Invoke`` handler, the
  ``AWS_PROXY`` / ``AWS`` integrations of API Gateway, later authorizers): resolve a function
  name/ARN and qualifier (aliases with weighted versions), check a resource policy, execute.

Store layout (kind / key / document):

===================  ==================================  ===========================================
``lambda_function``  ``{region}/{name}``                  FunctionConfiguration of ``$LATEST`` in
                                                          AWS's shape + internal ``_`` fields
                                                          (``_policy``, ``_reservedConcurrency``,
                                                          ``_nextVersion``)
``lambda_version``   ``{region}/{name}/{version}``        FunctionConfiguration of a published
                                                          version (frozen)
``lambda_alias``     ``{region}/{name}/{alias}``          AliasConfiguration
===================  ==================================  ===========================================
"""
