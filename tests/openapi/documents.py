"""OpenAPI documents for the recorded import scenarios (``test_apigateway_import.snapshot.json``).

The recordings were made with LocalStack's test files; these documents are written here from what
the recordings show AWS made of them (paths, parameters, responses, integrations, schemes), so that
importing them must give exactly the recorded resources, methods, models and authorizers. Long
literal values that only travel through (a mock's HTML page, a VTL template) are taken from the
recording itself rather than repeated here.
"""

from __future__ import annotations

import json
from typing import Any

from tests.support.recorded import recorded

FILE = "test_apigateway_import"
MOCK_200 = {"application/json": '{"statusCode": 200}'}
ACAO = "method.response.header.Access-Control-Allow-Origin"
ACAM = "method.response.header.Access-Control-Allow-Methods"
ACAH = "method.response.header.Access-Control-Allow-Headers"
LAMBDA_URI = (
    "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:{region}:000000000000:function:{name}/invocations"
)
AUTHORIZER_URI = LAMBDA_URI.format(region="us-east-1", name="authorizer")
PETSTORE_DEMO = "http://petstore-demo-endpoint.execute-api.com/petstore/pets"
CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")


def rec(test: str, key: str) -> Any:
    return recorded(FILE, test, key)


def mock(responses: dict[str, Any], passthrough: str = "when_no_match", **extra: Any) -> dict[str, Any]:
    return {"type": "mock", "requestTemplates": MOCK_200, "passthroughBehavior": passthrough,
            "responses": responses, **extra}


def default_200(**members: Any) -> dict[str, Any]:
    return {"default": {"statusCode": "200", **members}}


def headers2(*names: str) -> dict[str, Any]:
    """Swagger 2.0 response headers."""
    return {name: {"type": "string"} for name in names}


def headers3(*names: str) -> dict[str, Any]:
    """OpenAPI 3 response headers."""
    return {name: {"schema": {"type": "string"}} for name in names}


def cors(methods: str, allow_headers: str, origin: str = "'*'") -> dict[str, Any]:
    return {ACAM: f"'{methods}'", ACAH: f"'{allow_headers}'", ACAO: origin}


def json_content(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


# --- test_import_swagger_api ---------------------------------------------------------------------


def petstore_with_authorizers() -> dict[str, Any]:
    test = "test_import_swagger_api"
    html = rec(test, "integration-response-root-get")["responseTemplates"]["text/html"]
    uri = "http://petstore.execute-api.us-east-1.amazonaws.com/petstore/pets"
    origin_200 = default_200(responseParameters={ACAO: "'*'"})
    allow = "Content-Type,X-Amz-Date,Authorization,X-Api-Key"

    def options(methods: str, path_param: bool) -> dict[str, Any]:
        op: dict[str, Any] = {
            "consumes": ["application/json"], "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Empty"},
                                  "headers": headers2("Access-Control-Allow-Origin",
                                                      "Access-Control-Allow-Methods",
                                                      "Access-Control-Allow-Headers")}},
            "x-amazon-apigateway-integration": mock(default_200(responseParameters=cors(methods, allow))),
        }
        if path_param:
            op["parameters"] = [{"name": "petId", "in": "path", "required": True, "type": "string"}]
        return op

    def scheme(ttl: int | None) -> dict[str, Any]:
        authorizer: dict[str, Any] = {
            "type": "token", "authorizerUri": AUTHORIZER_URI,
            "authorizerCredentials": "arn:aws:iam::000000000000:role/authorizer",
            "identityValidationExpression": "^x-[a-z]+",
        }
        if ttl is not None:
            authorizer["authorizerResultTtlInSeconds"] = ttl
        return {"type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authtype": "oauth2", "x-amazon-apigateway-authorizer": authorizer}

    def pet_response(model: str) -> dict[str, Any]:
        return {"200": {"description": "ok", "schema": {"$ref": f"#/definitions/{model}"},
                        "headers": headers2("Access-Control-Allow-Origin")}}

    return {
        "swagger": "2.0",
        "info": {"title": "PetStore", "version": "1.0",
                 "description": rec(test, "import-swagger")["description"]},
        "schemes": ["https"],
        "paths": {
            "/": {"get": {
                "consumes": ["application/json"], "produces": ["text/html"],
                "responses": {"200": {"description": "ok", "headers": headers2("Content-Type")}},
                "security": [{"test-authorizer": []}],
                "x-amazon-apigateway-integration": mock(default_200(
                    responseParameters={"method.response.header.Content-Type": "'text/html'"},
                    responseTemplates={"text/html": html},
                )),
            }},
            "/pets": {
                "get": {
                    "produces": ["application/json"],
                    "parameters": [
                        {"name": "type", "in": "query", "required": False, "type": "string"},
                        {"name": "page", "in": "query", "required": False, "type": "string"},
                    ],
                    "responses": pet_response("Pets"),
                    "security": [{"test-authorizer": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "GET", "uri": uri,
                        "passthroughBehavior": "when_no_match",
                        "requestParameters": {
                            "integration.request.querystring.page": "method.request.querystring.page",
                            "integration.request.querystring.type": "method.request.querystring.type",
                        },
                        "responses": origin_200,
                    },
                },
                "post": {
                    "operationId": "CreatePet",
                    "consumes": ["application/json"], "produces": ["application/json"],
                    "parameters": [{"in": "body", "name": "NewPet", "required": True,
                                    "schema": {"$ref": "#/definitions/NewPet"}}],
                    "responses": pet_response("NewPetResponse"),
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "POST", "uri": uri,
                        "passthroughBehavior": "when_no_match",
                        "responses": origin_200,
                    },
                },
                "options": options("POST,GET,OPTIONS", path_param=False),
            },
            "/pets/{petId}": {
                "get": {
                    "operationId": "GetPet",
                    "produces": ["application/json"],
                    "parameters": [{"name": "petId", "in": "path", "required": True, "type": "string"}],
                    "responses": pet_response("Pet"),
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "GET", "uri": uri + "/{petId}",
                        "passthroughBehavior": "when_no_match",
                        "requestParameters": {"integration.request.path.petId": "method.request.path.petId"},
                        "responses": origin_200,
                    },
                },
                "options": options("GET,OPTIONS", path_param=True),
            },
        },
        "securityDefinitions": {"test-authorizer": scheme(60), "test-authorizer-not-used": scheme(None)},
        "definitions": {
            "Pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
            "Empty": {"type": "object"},
            "NewPetResponse": {"type": "object", "properties": {
                "pet": {"$ref": "#/definitions/Pet"}, "message": {"type": "string"}}},
            "Pet": {"type": "object", "properties": {
                "petid": {"type": "integer"}, "type": {"type": "string"}, "price": {"type": "number"}}},
            "NewPet": {"type": "object", "properties": {
                "type": {"$ref": "#/definitions/PetType"}, "price": {"type": "number"}}},
            "PetType": {"type": "string", "enum": ["dog", "cat", "fish", "bird", "gecko"]},
        },
    }


# --- test_import_and_validate_rest_api -----------------------------------------------------------


def lambda_proxy_with_api_key() -> dict[str, Any]:
    """[openapi.spec.tf.json]: OpenAPI 3, an api_key scheme, AWS_PROXY on GET /, a CORS mock."""
    origin = default_200(responseParameters={ACAO: "'*'"})
    allow = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
    return {
        "openapi": "3.0.1",
        "info": {"title": "local-api", "version": 1},
        "components": {
            "schemas": {"Empty": {"title": "Empty Schema", "type": "object"}},
            "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
        },
        "paths": {"/": {
            "get": {
                "responses": {"200": {"description": "ok", "content": json_content("Empty"),
                                      "headers": headers3("Access-Control-Allow-Origin")}},
                "security": [{"api_key": []}],
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy", "httpMethod": "POST", "contentHandling": "CONVERT_TO_TEXT",
                    "passthroughBehavior": "when_no_match", "responses": origin,
                    "uri": LAMBDA_URI.format(region="us-west-2", name="s3OnObjectCreatedLambda-60c92b6"),
                },
            },
            "options": {
                "responses": {"200": {"description": "ok", "content": json_content("Empty"),
                                      "headers": headers3("Access-Control-Allow-Headers",
                                                          "Access-Control-Allow-Methods",
                                                          "Access-Control-Allow-Origin")}},
                "x-amazon-apigateway-integration": mock(
                    default_200(responseParameters=cors("GET,OPTIONS", allow))),
            },
        }},
    }


def sam_mock_cors() -> dict[str, Any]:
    """[swagger-mock-cors.json]: AWS_PROXY methods without responses, CORS mocks, no schemas."""
    def path(function: str) -> dict[str, Any]:
        return {
            "options": {
                "consumes": ["application/json"], "produces": ["application/json"],
                "responses": {"200": {"description": "cors", "headers": headers2(*CORS_HEADERS)}},
                "x-amazon-apigateway-integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{\n  "statusCode" : 200\n}\n'},
                    "responses": default_200(
                        responseTemplates={"application/json": "{}\n"},
                        responseParameters=cors("OPTIONS,POST,GET", "Content-Type", "'http://localhost:8080'"),
                    ),
                },
            },
            "get": {
                "responses": {},
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy", "httpMethod": "POST",
                    "uri": LAMBDA_URI.format(region="us-east-1", name=function),
                },
            },
        }

    return {
        "swagger": "2.0",
        "info": {"title": "aws-serverless-shopping-cart-product-mock", "version": "1.0"},
        "paths": {
            "/product/{product_id}": path(
                "aws-serverless-shopping-cart-produc-GetProductFunction-28378339:live"),
            "/product": path("aws-serverless-shopping-cart-produ-GetProductsFunction-c1359550:live"),
        },
    }


# --- base paths ----------------------------------------------------------------------------------


def swagger_with_base_path() -> dict[str, Any]:
    """basePath /base, a REQUEST authorizer on both methods of /test."""
    allow = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
    security = [{"myapi-authorizer-0": []}]
    return {
        "swagger": "2.0",
        "info": {"title": "Import swagger JSON", "version": "2"},
        "basePath": "/base",
        "paths": {"/test": {
            "get": {
                "security": security,
                "responses": {"200": {"description": "ok",
                                      "headers": headers2("Access-Control-Allow-Origin")}},
                "x-amazon-apigateway-integration": mock(default_200(responseParameters={ACAO: "'*'"})),
            },
            "options": {
                "security": security,
                "responses": {"200": {"description": "", "headers": headers2(*CORS_HEADERS)}},
                "x-amazon-apigateway-integration": mock(
                    default_200(responseParameters=cors("GET,OPTIONS", allow))),
            },
        }},
        "definitions": {"Empty": {"title": "Empty Schema", "type": "object"}},
        "securityDefinitions": {"myapi-authorizer-0": {
            "type": "apiKey", "name": "auth", "in": "query", "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "type": "request", "authorizerUri": AUTHORIZER_URI,
                "authorizerCredentials": "arn:aws:iam::000000000000:role/authorizer",
                "identitySource": "method.request.querystring.auth",
            },
        }},
    }


def simple_pets() -> dict[str, Any]:
    """Two HTTP methods and no base path; the path variable is renamed in the integration."""
    integration = {"type": "http", "httpMethod": "GET", "passthroughBehavior": "when_no_match",
                   "responses": default_200()}
    return {
        "swagger": "2.0",
        "info": {"title": "Simple PetStore (Swagger)", "version": "1.0.0"},
        "paths": {
            "/pets": {"get": {"responses": {"200": {"description": "ok"}},
                              "x-amazon-apigateway-integration": {**integration, "uri": PETSTORE_DEMO}}},
            "/pets/{petId}": {"get": {
                "parameters": [{"name": "petId", "in": "path", "required": True, "type": "string"}],
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    **integration, "uri": PETSTORE_DEMO + "/{id}",
                    "requestParameters": {"integration.request.path.id": "method.request.path.petId"},
                },
            }},
        },
    }


def _oas30_test_path(extra_parameters: dict[str, Any]) -> dict[str, Any]:
    allow = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
    return {"/test": {
        "get": {
            "responses": {"200": {"description": "ok", "content": json_content("Empty"),
                                  "headers": headers3("Access-Control-Allow-Origin")}},
            "x-amazon-apigateway-integration": mock(
                default_200(responseParameters={ACAO: "'*'"}),
                requestParameters={"integration.request.header.X-Amz-Invocation-Type": "'Event'",
                                   **extra_parameters},
            ),
        },
        "options": {
            "responses": {"200": {"description": "ok", "content": json_content("Empty"),
                                  "headers": headers3(*CORS_HEADERS)}},
            "x-amazon-apigateway-integration": mock(
                default_200(responseParameters=cors("GET,OPTIONS", allow))),
        },
    }}


def oas30_server_variable() -> str:
    """The base path as the ``basePath`` variable of the server (YAML)."""
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "test-import-oas", "version": "2.0"},
        "servers": [{"url": "https://example.com/{basePath}",
                     "variables": {"basePath": {"default": "/base-var"}}}],
        "paths": _oas30_test_path({}),
        "components": {"schemas": {"Empty": {"title": "Empty Schema", "type": "object"}}},
    }
    return to_yaml(doc)


def oas30_server_url() -> str:
    """The base path in the server's URL; one mapping value is a YAML boolean (a warning)."""
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "test-import-oas", "version": "2.0"},
        "servers": [{"url": "https://testdomain.com/base-url/part/", "description": "base path"}],
        "paths": _oas30_test_path({"integration.request.header.nothing": True,
                                   "integration.request.header.double-single": "'True'"}),
        "components": {"schemas": {"Empty": {"title": "Empty Schema", "type": "object"}}},
    }
    return to_yaml(doc)


# --- authorizers, models, integrations -------------------------------------------------------------


def global_request_authorizer() -> dict[str, Any]:
    """A document-wide REQUEST authorizer, ANY through x-amazon-apigateway-any-method."""
    template = json.dumps(rec("test_import_with_global_api_key_authorizer", "integration-echo/{data}-any")
                          ["integrationResponses"]["200"]["responseTemplates"]["application/json"])
    return {
        "openapi": "3.0.2",
        "info": {"title": "Test Global Authorizer", "version": "1.0"},
        "paths": {
            "/pets": {"get": {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET", "uri": PETSTORE_DEMO,
                                                    "passthroughBehavior": "when_no_match",
                                                    "responses": default_200()},
            }},
            "/echo/{data}": {"x-amazon-apigateway-any-method": {
                "responses": {"200": {"description": "ok", "content": json_content("Empty")}},
                "x-amazon-apigateway-integration": mock(
                    default_200(responseTemplates={"application/json": template}), "when_no_templates"),
            }},
        },
        "components": {
            "schemas": {"Empty": {"title": "Empty Schema", "type": "object"}},
            "securitySchemes": {"GatewayAuthorizer": {
                "type": "apiKey", "name": "X-Api-Key", "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {
                    "type": "request", "authorizerUri": AUTHORIZER_URI,
                    "identitySource": "method.request.header.Custom-Authorization",
                    "authorizerResultTtlInSeconds": 300,
                },
            }},
        },
        "security": [{"GatewayAuthorizer": []}],
        "x-amazon-apigateway-api-key-source": "AUTHORIZER",
    }


def circular_models(validators: bool) -> dict[str, Any]:
    """Person lives in a House that contains Persons; POST /person takes a Person."""
    template = "{\"echo\": $input.json('$'), \"response\": \"mocked\"}"
    doc: dict[str, Any] = {
        "openapi": "3.0.2",
        "info": {"title": "Circular model reference", "version": "1.0"},
        "paths": {"/person": {"post": {
            "operationId": "CreatePerson",
            "requestBody": {"content": json_content("Person"), "required": True},
            "responses": {"200": {"description": "Empty", "content": json_content("Empty")}},
            "x-amazon-apigateway-integration": mock(
                default_200(responseTemplates={"application/json": template}), "when_no_templates"),
        }}},
        "components": {"schemas": {
            "Person": {
                "type": "object", "description": "Random person schema.",
                "properties": {"name": {"type": "string", "description": "Random property"},
                               "b": {"type": "number"},
                               "house": {"$ref": "#/components/schemas/House"}},
                "required": ["name", "b"],
            },
            "House": {
                "type": "object", "description": "Where a Person can live",
                "properties": {
                    "randomProperty": {"type": "string", "description": "Random property", "format": "byte"},
                    "contains": {"type": "array", "items": {"$ref": "#/components/schemas/Person"},
                                 "minItems": 1,
                                 "description": "The information of who is living in the house"},
                },
            },
            "Empty": {"title": "Empty Schema", "type": "object"},
        }},
    }
    if validators:
        doc["x-amazon-apigateway-request-validators"] = {
            "basic": {"validateRequestBody": True, "validateRequestParameters": True}}
        doc["x-amazon-apigateway-request-validator"] = "basic"
    return doc


def aws_integration_http_method() -> dict[str, Any]:
    """An AWS (Lambda, non-proxy) integration with a VTL template; a MOCK given an httpMethod."""
    template = rec("test_import_with_http_method_integration", "integration-root-get")["requestTemplates"]
    return {
        "openapi": "3.0.1",
        "info": {"title": "test-http-method", "description": "httpMethod of AWS integrations",
                 "version": "2022-04-12T15:36:55Z"},
        "paths": {"/": {
            "get": {
                "responses": {"200": {"description": "ok", "content": json_content("Empty")}},
                "x-amazon-apigateway-integration": {
                    "type": "aws", "httpMethod": "POST", "uri": AUTHORIZER_URI, "responses": default_200(),
                    "requestParameters": {"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
                    "requestTemplates": template, "passthroughBehavior": "when_no_templates",
                    "contentHandling": "CONVERT_TO_TEXT",
                },
            },
            "options": {
                "responses": {"200": {"description": "ok", "content": json_content("Empty"),
                                      "headers": headers3("Access-Control-Allow-Headers")}},
                "x-amazon-apigateway-integration": mock(
                    default_200(responseParameters={ACAH: "'Content-Type'"}), httpMethod="POST"),
            },
        }},
        "components": {"schemas": {"Empty": {"title": "Empty Schema", "type": "object"}}},
    }


def cognito_authorizers(pool_arn: str) -> dict[str, Any]:
    """Two Cognito schemes; requirements with and without scopes; the document default has one."""
    def get(security: list[Any] | None) -> dict[str, Any]:
        op: dict[str, Any] = {
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET", "uri": PETSTORE_DEMO,
                                                "passthroughBehavior": "when_no_match",
                                                "responses": default_200()},
        }
        if security is not None:
            op["security"] = security
        return {"get": op}

    def scheme() -> dict[str, Any]:
        return {"type": "apiKey", "name": "TestHeaderAuth", "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [pool_arn]}}

    return {
        "openapi": "3.0.1",
        "info": {"title": "Example Pet Store", "description": "A Pet Store API.", "version": "1.0"},
        "paths": {
            "/default-no-scope": get([{"cognito-test-identity-source": []}]),
            "/default-scope-override": get([{"cognito-test-identity-source": ["openid"]}]),
            "/non-default-authorizer": get([{"extra-test-identity-source": ["email", "openid"]}]),
            "/pets": {"get": {
                "operationId": "GET HTTP",
                "parameters": [{"name": "type", "in": "query", "schema": {"type": "string"}},
                               {"name": "page", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "headers": headers3("Access-Control-Allow-Origin"),
                                      "content": json_content("Pets")}},
                "x-amazon-apigateway-integration": {
                    "type": "HTTP_PROXY", "httpMethod": "GET", "payloadFormatVersion": 1.0,
                    "uri": "http://petstore.execute-api.us-west-1.amazonaws.com/petstore/pets",
                },
            }},
        },
        "components": {
            "securitySchemes": {"cognito-test-identity-source": scheme(),
                                "extra-test-identity-source": scheme()},
            "schemas": {
                "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                "Empty": {"type": "object"},
                "Pet": {"type": "object", "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                                                         "price": {"type": "number"}}},
            },
        },
        "security": [{"cognito-test-identity-source": ["email"]}],
    }


INTEGER_STATUS_CODES = """\
openapi: 3.0.1
info:
  title: integer status codes
  version: '2.0'
paths:
  /test:
    get:
      responses:
        200:                      # an integer key: AWS reads it as "200"
          description: ok
          headers:
            Access-Control-Allow-Origin:
              schema:
                type: string
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Empty'
      x-amazon-apigateway-integration:
        type: mock
        passthroughBehavior: when_no_match
        requestTemplates:
          application/json: '{"statusCode": 200}'
        requestParameters:
          integration.request.header.X-Amz-Invocation-Type: "'Event'"
        responses:
          default:
            statusCode: 200       # an integer, too
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
components:
  schemas:
    Empty:
      title: Empty Schema
      type: object
"""


def pulumi_style() -> dict[str, Any]:
    """test_import_rest_api: binary media types, gateway responses, a TOKEN authorizer with empty
    strings, an operation without responses, two alternative security requirements."""
    gateway_headers = {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
        "gatewayresponse.header.Access-Control-Allow-Methods": "'GET, POST, OPTIONS'",
    }
    templates = {"application/json": '{"message":$context.error.messageString}'}
    return {
        "swagger": "2.0",
        "info": {"title": "apiGateway", "version": "1.0"},
        "paths": {
            "/{proxy+}": {"options": {
                "consumes": ["application/json"], "produces": ["application/json"],
                "responses": {"200": {"description": "ok", "schema": {"type": "object"},
                                      "headers": headers2("Access-Control-Allow-Origin")}},
                "x-amazon-apigateway-integration": mock(
                    {"default": {"statusCode": 200, "responseParameters": {ACAO: "'*'"},
                                 "responseTemplates": {"application/json": ""}}}),
                "security": [{"api_key": []}],
            }},
            "/just_do_it": {"get": {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy", "httpMethod": "POST", "passthroughBehavior": "when_no_match",
                    "uri": LAMBDA_URI.format(region="us-west-2", name="s3OnObjectCreatedLambda-60c92b6"),
                },
                "security": [{"Auth0": []}, {"api_key": []}],
            }},
        },
        "x-amazon-apigateway-binary-media-types": ["*/*"],
        "x-amazon-apigateway-gateway-responses": {
            kind: {"statusCode": status, "responseParameters": gateway_headers,
                   "responseTemplates": templates}
            for kind, status in (("UNAUTHORIZED", 401), ("ACCESS_DENIED", 401), ("EXPIRED_TOKEN", 403))
        },
        "x-amazon-apigateway-api-key-source": "HEADER",
        "securityDefinitions": {
            "Auth0": {"type": "apiKey", "name": "Authorization", "in": "header",
                      "x-amazon-apigateway-authtype": "oauth2",
                      "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": AUTHORIZER_URI,
                                                         "authorizerCredentials": "", "identitySource": ""}},
            "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        },
    }


def to_yaml(doc: dict[str, Any]) -> str:
    import yaml

    return str(yaml.safe_dump(doc, sort_keys=False))
