# lint_posts.rb: how Jekyll's own build judges each of many small sites,
# for TestLintVerdictIsJekyllBuild (sync/lint_jekyll_test.go). It reads a JSON array on stdin, one case a
# site: {"name": NAME, "files": {PATH: TEXT, ...}} (a "_config.yml" among
# them or none), builds each with Jekyll's library (Site#process, what
# `jekyll build` runs) into a temporary folder, all in this one Ruby
# process, and prints a JSON array of {"name", "ok", "why"}.
#
# A build is not ok when Jekyll raises (the build fails: nothing is
# published), or logs an error (a post Jekyll cannot read is published
# without its front matter, away from its URL), or warns of a conflict
# (two files share one destination: one of them is lost). Liquid's own
# warnings (error_mode: warn) leave the build ok: the page is published.
require "jekyll"
require "json"
require "tmpdir"
require "fileutils"

$complaints = []
module RecordComplaints
  def write(level, topic, message = nil, &block)
    text = "#{topic} #{message}".strip
    $complaints << text if level == :error || (level == :warn && topic.to_s.start_with?("Conflict"))
    super
  end
end
Jekyll::LogAdapter.prepend(RecordComplaints)
Jekyll.logger.log_level = :error

cases = JSON.parse($stdin.read)
results = cases.map do |c|
  Dir.mktmpdir("lint-") do |dir|
    src = File.join(dir, "site")
    c.fetch("files").each do |rel, text|
      full = File.join(src, rel)
      FileUtils.mkdir_p(File.dirname(full))
      File.binwrite(full, text)
    end
    FileUtils.mkdir_p(src)
    $complaints = []
    begin
      config = Jekyll.configuration(
        "source" => src,
        "destination" => File.join(dir, "_site"),
        "quiet" => true
      )
      Jekyll::Site.new(config).process
      if $complaints.empty?
        { "name" => c["name"], "ok" => true, "why" => "" }
      else
        { "name" => c["name"], "ok" => false, "why" => $complaints.join(" | ") }
      end
    rescue Exception => e # rubocop:disable Lint/RescueException: what stops the build
      { "name" => c["name"], "ok" => false, "why" => "#{e.class}: #{e.message}".lines.first.to_s.strip }
    end
  end
end
puts JSON.generate(results)
