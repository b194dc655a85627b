"""Writes N posts of about 1,000 words, each with a Rust and an HCL code block, into
content/posts/ of the site at ROOT: the same Markdown for gen and for Hugo.

    python3 bench/posts/generate.py ROOT N
"""

import os
import random
import sys

root, count = sys.argv[1], int(sys.argv[2])
words = ("cloud resume challenge bucket distribution origin access control lambda function "
         "table counter visitor terraform state pipeline deploy cache invalidation region "
         "policy role identity certificate domain record latency request response build").split()
rust = '''```rust
async fn handler(event: Request) -> Result<Response<Body>, Error> {
    let path = event.query_string_parameters().first("path").unwrap_or("/");
    let count = table.increment(path).await?; // one atomic update
    Ok(Response::new(format!("{{\\"count\\":{count}}}").into()))
}
```'''
hcl = '''```hcl
resource "aws_dynamodb_table" "visits" {
  name         = "visits-{n}"
  billing_mode = "PAY_PER_REQUEST" # no capacity to plan
  hash_key     = "path"
  attribute {
    name = "path"
    type = "S"
  }
}
```'''
random.seed(7)
posts = os.path.join(root, "content", "posts")
os.makedirs(posts, exist_ok=True)
for n in range(count):
    def paragraph():
        return " ".join(random.choice(words) for _ in range(90)).capitalize() + "."
    body = []
    for section in range(4):
        body.append(f"## Part {section + 1}")
        body += [paragraph(), paragraph()]
        if section == 1:
            body.append(rust)
        if section == 2:
            body.append(hcl.replace("{n}", str(n)))
        body.append(paragraph())
    front = (f"---\ntitle: \"Post number {n}\"\ndate: 2025-{1 + n % 12:02d}-{1 + n % 28:02d}\n"
             f"tags: [{random.choice(words)}, {random.choice(words)}]\n---\n")
    with open(os.path.join(posts, f"post-{n:04d}.md"), "w") as f:
        f.write(front + "\n\n".join(body) + "\n")
