package app

import "github.com/gitdiary/diary/entry"

// The minimal site a new diary starts with: two small layouts of its own
// rather than a theme, so that it builds without a warning on a bare
// Jekyll (3.10 as on GitHub Pages, or 4.x) with no plugin or gem to
// install, and GitHub Pages publishes it as it is.

const configTemplate = `# Jekyll settings of this diary. diary new writes posts into _posts/.
title: %s
%s# diary's own settings are in .diary.yml, which Jekyll does not publish.
`

const defaultLayout = `<!DOCTYPE html>
<html lang="{{ site.lang | default: "en" }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% if page.title %}{{ page.title | escape }} · {% endif %}{{ site.title | escape }}</title>
  <style>
    body { max-width: 42rem; margin: 2rem auto; padding: 0 1rem; font: 1.05rem/1.6 system-ui, sans-serif; }
    blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid #ccc; color: #555; }
    header a { color: inherit; text-decoration: none; font-weight: bold; }
    time { color: #777; }
  </style>
</head>
<body>
  <header><a href="{{ "/" | relative_url }}">{{ site.title | escape }}</a></header>
  <main>
{{ content }}
  </main>
</body>
</html>
`

const postLayout = `---
layout: default
---
<article>
  <h1>{{ page.title | escape }}</h1>
  <p><time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%Y-%m-%d" }}</time>{% if page.author %} · {{ page.author | escape }}{% endif %}</p>
{{ content }}
</article>
`

const indexPage = `---
layout: default
---
<ul>
{%- for post in site.posts %}
  <li><time>{{ post.date | date: "%Y-%m-%d" }}</time> <a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></li>
{%- endfor %}
</ul>
`

// gitignoreLines keep Jekyll's build output out of git.
var gitignoreLines = []string{"_site/", ".jekyll-cache/"}

const diaryYMLHeader = "# diary settings shared by every laptop of this diary (diary config list shows them all).\n"

// quoteYAML quotes a value for the templates above.
func quoteYAML(s string) string { return entry.Quote(s) }
