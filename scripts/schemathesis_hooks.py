"""scripts/schemathesis.sh's one rule that JSON Schema cannot state.

A webhook's extra `body` fields may not be named like its `msg_key` (the message's own field,
`Msg` when not given): the server refuses that with a field message. A schema cannot compare one
field's value with another's keys, so generated bodies that do are dropped here instead.
"""

import schemathesis


@schemathesis.hook
def filter_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("body"), dict):
        return body.get("msg_key", "Msg") not in body["body"]
    return True
