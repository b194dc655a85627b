"""The visitor counter as most Cloud Resume Challenge write-ups build it: Python and boto3,
the table created at module level. bench/counter.sh starts it as Lambda's Python runtime
does (awslambdaric) to compare cold starts with the Rust counter."""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["COUNTER_TABLE"])


def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    path = body.get("path", "/")
    result = table.update_item(
        Key={"path": path},
        UpdateExpression="ADD #c :one",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":one": 1},
        ReturnValues="UPDATED_NEW",
    )
    count = int(result["Attributes"]["count"])
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"path": path, "count": count}),
    }
