"""Writes the JSON Resume in FILE as a RenderCV input (its own YAML schema), so RenderCV
typesets the same resume gen does: every section with its entries, dates and highlights.

    python3 bench/build/rendercv.py resume.json > cv.yaml
"""

import json
import sys

resume = json.load(open(sys.argv[1], encoding="utf-8"))
basics = resume.get("basics", {})
location = basics.get("location", {})
# The networks RenderCV knows; others (SoundCloud, say) have no place there.
NETWORKS = {"LinkedIn", "GitHub", "GitLab", "Instagram", "ORCID", "Mastodon", "StackOverflow",
            "ResearchGate", "YouTube", "Google Scholar", "Telegram", "X", "Bluesky"}


def dates(entry, start="startDate", end="endDate"):
    out = {}
    if entry.get(start):
        out["start_date"] = entry[start][:10]
    if entry.get(end):
        out["end_date"] = entry[end][:10]
    elif entry.get(start):
        out["end_date"] = "present"
    return out


def q(text):
    return json.dumps(text, ensure_ascii=False)


def put(lines, indent, key, value):
    pad = " " * indent
    if isinstance(value, list):
        lines.append(f"{pad}{key}:")
        lines.extend(f"{pad}  - {q(v)}" for v in value)
    else:
        lines.append(f"{pad}{key}: {q(value)}")


sections = {}
if basics.get("summary"):
    sections["summary"] = [[("", basics["summary"])]]
sections["experience"] = [
    [("company", w.get("name", "")), ("position", w.get("position", "")),
     ("location", w.get("location")), ("summary", w.get("summary")),
     ("highlights", w.get("highlights")), *dates(w).items()]
    for w in resume.get("work", [])
]
sections["volunteering"] = [
    [("company", v.get("organization", "")), ("position", v.get("position", "")),
     ("summary", v.get("summary")), ("highlights", v.get("highlights")), *dates(v).items()]
    for v in resume.get("volunteer", [])
]
sections["education"] = [
    [("institution", e.get("institution", "")), ("area", e.get("area", "")),
     ("degree", e.get("studyType")),
     ("highlights", [f"Score: {e['score']}"] * bool(e.get("score")) + e.get("courses", [])),
     *dates(e).items()]
    for e in resume.get("education", [])
]
sections["awards"] = [
    [("name", a.get("title", "")), ("summary", a.get("summary")),
     ("highlights", [a["awarder"]] if a.get("awarder") else None), *dates(a, "", "date").items()]
    for a in resume.get("awards", [])
] + [
    [("name", c.get("name", "")), ("highlights", [c["issuer"]] if c.get("issuer") else None),
     *dates(c, "", "date").items()]
    for c in resume.get("certificates", [])
]
sections["publications"] = [
    [("name", p.get("name", "")), ("summary", p.get("summary")),
     ("highlights", [p["publisher"]] if p.get("publisher") else None),
     *dates(p, "", "releaseDate").items()]
    for p in resume.get("publications", [])
]
sections["projects"] = [
    [("name", p.get("name", "")), ("summary", p.get("description")),
     ("highlights", p.get("highlights")), *dates(p).items()]
    for p in resume.get("projects", [])
]
sections["skills"] = [
    [("label", s.get("name", "")), ("details", ", ".join(s.get("keywords", [])))]
    for s in resume.get("skills", [])
] + [
    [("label", l.get("language", "")), ("details", l.get("fluency", ""))]
    for l in resume.get("languages", [])
] + [
    [("label", i.get("name", "")), ("details", ", ".join(i.get("keywords", [])))]
    for i in resume.get("interests", [])
]
sections["references"] = [[("", f"{r.get('reference', '')} ({r.get('name', '')})")]
                          for r in resume.get("references", [])]

lines = ["cv:"]
put(lines, 2, "name", basics.get("name", ""))
place = ", ".join(x for x in (location.get("city"), location.get("region")) if x)
if place:
    put(lines, 2, "location", place)
if basics.get("email"):
    put(lines, 2, "email", basics["email"])
if basics.get("url"):
    put(lines, 2, "website", basics["url"])
profiles = [p for p in basics.get("profiles", []) if p.get("network") in NETWORKS]
if profiles:
    lines.append("  social_networks:")
    for p in profiles:
        lines.append(f"    - network: {q(p['network'])}")
        lines.append(f"      username: {q(p.get('username', ''))}")
lines.append("  sections:")
for title, entries in sections.items():
    entries = [e for e in entries if e]
    if not entries:
        continue
    lines.append(f"    {title}:")
    for entry in entries:
        if entry[0][0] == "":
            lines.append(f"      - {q(entry[0][1])}")
            continue
        first = True
        for key, value in entry:
            if value in (None, "", []):
                continue
            pad = "      - " if first else "        "
            if isinstance(value, list):
                lines.append(f"{pad}{key}:")
                lines.extend(f"          - {q(v)}" for v in value)
            else:
                lines.append(f"{pad}{key}: {q(value)}")
            first = False
print("\n".join(lines))
