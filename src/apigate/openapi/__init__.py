"""OpenAPI 2.0 (Swagger) and 3.0 documents with ``x-amazon-apigateway-*`` extensions.

Import (ImportRestApi, PutRestApi): ``load`` parses the document, ``spec`` reads it the same way
whatever its version, ``importer`` turns it into an ``ImportPlan`` (every document to write, built
before anything is written), ``apply`` writes a plan in one store transaction. Export (GetExport)
lives in the ``export*`` modules.
"""
