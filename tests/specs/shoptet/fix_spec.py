#!/usr/bin/env python3
"""Writes openapi.yaml here from Shoptet's published openapi.yaml (the path given, by default
/work/shared/specs/shoptet/openapi.yaml), with the defects listed in CHANGES.md fixed. Line by line,
so the copy stays diffable against the original."""
import re
import sys

source = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/specs/shoptet/openapi.yaml"
lines = open(source, encoding="utf-8").read().split("\n")
schemas = set()
in_schemas = False
for line in lines:
    if line == "  schemas:":
        in_schemas = True
    elif in_schemas and re.match(r"^  \S", line):
        in_schemas = False
    elif in_schemas and re.match(r"^    [A-Za-z0-9_]+:$", line):
        schemas.add(line.strip()[:-1])

out = []
request_body_indent = None
in_content_type_param = False
shipments_get = False
for number, line in enumerate(lines):
    indent = len(line) - len(line.lstrip(" "))
    stripped = line.strip()
    # 1. The version placeholder.
    if line == "  version: VERSION_PLACEHOLDER":
        line = "  version: 1.0.0"
    # 2. The proforma-invoice operation's path key is a file name.
    if line == "  '/api_orders_{code}_proforma-invoice.yaml':":
        line = "  '/api/orders/{code}/proforma-invoice':"
    # 3. Media types: answers and request bodies are application/vnd.shoptet.v1.0+json (as
    #    Shoptet's own write examples send them), not application/json.
    if request_body_indent is not None and stripped and indent <= request_body_indent:
        request_body_indent = None
    if stripped == "requestBody:":
        request_body_indent = indent
    if stripped in ("application/json:", "'application/json; charset=utf-8':"):
        media = "application/vnd.shoptet.v1.0+json"
        line = " " * indent + f"'{media}':"
    # 4. DefaultContentType's default.
    if line == "    DefaultContentType:":
        in_content_type_param = True
    elif in_content_type_param and line == "        default: application/json":
        line = "        default: application/vnd.shoptet.v1.0"
        in_content_type_param = False
    # 5. `#/definitions/*` (OpenAPI 2) references: to the component schema of that name where
    #    there is one, else dropped.
    match = re.match(r"^(\s*)x-shoptet-response-ref: '#/definitions/([A-Za-z0-9_]+)'$", line)
    if match:
        if match.group(2) in schemas:
            line = f"{match.group(1)}x-shoptet-response-ref: '#/components/schemas/{match.group(2)}'"
        else:
            continue
    out.append(line)
    # 6. `/api/shipments` pages (its answer has a paginator) but does not list `page`.
    if line == "  /api/shipments:":
        shipments_get = True
    if shipments_get and line == "      operationId: getListOfShipments":
        shipments_get = "params"
    if shipments_get == "params" and stripped == "parameters:":
        out.append(" " * (indent + 2) + "-")
        out.append(" " * (indent + 4) + "$ref: '#/components/parameters/DefaultPageParameter'")
        shipments_get = False

# 7. `GET /api/orders/{code}` lists only 200, though an unknown order is a 404 (as the basic
#    principles say of every unknown record, and as `…/copy` and `…/pdf` list it).
text = "\n".join(out)
detail = "  '/api/orders/{code}':\n    get:\n      responses:\n"
not_found = (
    "        404:\n"
    "          description: 'Not Found'\n"
    "          content:\n"
    "            'application/vnd.shoptet.v1.0+json':\n"
    "              schema:\n"
    "                type: object\n"
    "                properties:\n"
    "                  data:\n"
    "                    type:\n"
    "                      - object\n"
    "                      - 'null'\n"
    "                  errors:\n"
    "                    $ref: '#/components/schemas/Errors'\n"
    "                  metadata:\n"
    "                    $ref: '#/components/schemas/Metadata'\n"
)
assert text.count(detail) == 1, "the order detail operation moved"
text = text.replace(detail, detail + not_found)
out = [text]

open("openapi.yaml", "w", encoding="utf-8").write("\n".join(out))
