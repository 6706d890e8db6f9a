"""The mapping-template environment: VTL with ``$input``, ``$util``, ``$context`` and ``$stageVariables``.

``compile_template(source)`` parses a template once (the data plane's compile step calls it for every
request and response template of a deployment); ``Template.render(ctx, body, response=...)`` renders
it for one request.
"""

from apigate.vtl.template import Template, compile_template

__all__ = ["Template", "compile_template"]
