# read_posts.rb SITE [CONFIG...]: how Jekyll itself reads the posts of
# SITE, as JSON, for jekyll_diff_test.go. It loads the site with Jekyll's
# library, as `jekyll build --future --unpublished --drafts` would,
# without rendering, and prints one object a post or draft: its path,
# title, date (as Jekyll prints it: in the site's zone, with its offset),
# categories, tags, published and whether it is a draft; or, for a post
# Jekyll could not read (it logs an error and goes on), its path and the
# error.
#
# Each CONFIG is a settings file read instead of the site's _config.yml;
# the site is loaded again with each, and each post gets, under "urls" and
# the file's base name, its URL there: Jekyll's page.url ("url"), and
# what the absolute_url filter makes of it ("abs": url and baseurl
# joined), or the error Jekyll raises computing it.
#
# Values are printed as a page shows them (Liquid turns them into text
# with to_s): categories and tags as text, in page.categories' and
# page.tags' order and number (Jekyll makes categories unique and keeps a
# tag given twice twice), none empty, since Jekyll's URL and
# site.categories/site.tags leave empty names out.
require "jekyll"
require "json"

$read_errors = {}
module RecordReadErrors
  def handle_read_error(error)
    $read_errors[relative_path] = "#{error.class}: #{error.message}"
  end
end
Jekyll::Document.prepend(RecordReadErrors)
Jekyll.logger.log_level = :error

site_dir = File.expand_path(ARGV.fetch(0))
config = Jekyll.configuration(
  "source" => site_dir,
  "destination" => File.join(site_dir, "_site"),
  "future" => true,
  "unpublished" => true,
  "show_drafts" => true,
  "quiet" => true
)
site = Jekyll::Site.new(config)
site.reset
site.read

names = lambda do |list|
  Array(list).map(&:to_s).reject(&:empty?)
end

posts = site.posts.docs.map do |doc|
  path = doc.relative_path
  next { "path" => path, "error" => $read_errors[path] } if $read_errors.key?(path)

  {
    "path" => path,
    "title" => doc.data["title"].to_s,
    "date" => doc.date.iso8601,
    "categories" => names.call(doc.data["categories"]),
    "tags" => names.call(doc.data["tags"]),
    "published" => doc.data.fetch("published", true) ? true : false,
    "draft" => doc.draft? ? true : false,
  }
end
urls = Hash.new { |h, k| h[k] = {} }
absolute = Liquid::Template.parse("{{ u | absolute_url }}")
ARGV.drop(1).each do |file|
  name = File.basename(file)
  s = Jekyll::Site.new(Jekyll.configuration(
    "source" => site_dir,
    "destination" => File.join(site_dir, "_site"),
    "future" => true,
    "unpublished" => true,
    "show_drafts" => true,
    "quiet" => true,
    "config" => File.expand_path(file)
  ))
  s.reset
  s.read
  s.posts.docs.each do |doc|
    u = doc.url
    abs = absolute.render!({ "u" => u }, :registers => { :site => s })
    urls[doc.relative_path][name] = { "url" => u, "abs" => abs }
  rescue StandardError => e
    urls[doc.relative_path][name] = { "error" => "#{e.class}: #{e.message}" }
  end
end
posts.each { |p| p["urls"] = urls[p["path"]] unless ARGV.length < 2 }

puts JSON.generate(posts.sort_by { |p| p["path"] })
