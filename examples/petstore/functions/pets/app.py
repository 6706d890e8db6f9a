"""The petstore's Lambda function, behind three AWS_PROXY methods of ``../../openapi.yaml``.

``GET /pets`` lists pets (``?type=dog`` filters), ``GET /pets/{petId}`` finds one, ``POST /pets``
adds one. The pets live in this worker's memory: they last as long as the warm environment, which
is enough to show a Lambda proxy integration without a database.
"""

import json
import os

PETS = {
    1: {"id": 1, "name": "Rex", "type": "dog", "price": 249.99},
    2: {"id": 2, "name": "Tom", "type": "cat", "price": 124.99},
    3: {"id": 3, "name": "Nemo", "type": "fish", "price": 0.99},
}


def handler(event, context):
    method, resource = event["httpMethod"], event["resource"]
    meta = {
        "store": os.environ.get("STORE_NAME", "petstore"),
        "stage": event["requestContext"]["stage"],
        "functionVersion": context.function_version,
    }
    if resource == "/pets" and method == "GET":
        wanted = (event.get("queryStringParameters") or {}).get("type")
        pets = [pet for pet in PETS.values() if wanted in (None, pet["type"])]
        return respond(200, {"pets": pets, **meta})
    if resource == "/pets" and method == "POST":
        return add_pet(event.get("body"), meta)
    if resource == "/pets/{petId}":
        pet_id = event["pathParameters"]["petId"]
        pet = PETS.get(int(pet_id)) if pet_id.isdigit() else None
        if pet is None:
            return respond(404, {"message": f"no pet has the id {pet_id}", **meta})
        return respond(200, {"pet": pet, **meta})
    return respond(405, {"message": f"{method} {resource} is not handled here"})


def add_pet(body, meta):
    try:
        pet = json.loads(body or "")
    except ValueError:
        pet = None
    if not isinstance(pet, dict) or not isinstance(pet.get("name"), str):
        example = '{"name": "Rex", "type": "dog"}'
        return respond(400, {"message": f'send a JSON object with a "name", e.g. {example}'})
    new = {"id": max(PETS) + 1, "name": pet["name"], "type": pet.get("type", "unknown"),
           "price": pet.get("price", 0)}
    PETS[new["id"]] = new
    return respond(201, {"pet": new, **meta})


def respond(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
