#include "app/console_routes.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>

#include "app/json_body.hpp"
#include "app/openapi_doc.hpp"
#include "core/config.hpp"
#include "core/digest.hpp"
#include "core/errors.hpp"
#include "http/file_response.hpp"
#include "upstream/http_client.hpp"

namespace mindme::app {
namespace json = boost::json;
namespace fs = std::filesystem;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kCookie = "mindme_console";
constexpr std::string_view kSelf = "self";
constexpr auto kScrapeTimeout = std::chrono::seconds(2);
constexpr std::size_t kMaxReports = 200;

bool is_http_url(std::string_view url) {
    return url.starts_with("http://") || url.starts_with("https://");
}

struct Target {
    std::string name;
    std::string url;  // kSelf: this process, read without a request
};

// "name=url" or a bare URL, named by its host and port.
std::optional<Target> parse_target(std::string_view item) {
    item = core::trim(item);
    if (item.empty() || item.front() == '#') return std::nullopt;
    Target t;
    auto eq = item.find('=');
    auto scheme = item.find("://");
    if (eq != std::string_view::npos && (scheme == std::string_view::npos || eq < scheme)) {
        t.name = std::string(core::trim(item.substr(0, eq)));
        t.url = std::string(core::trim(item.substr(eq + 1)));
    } else {
        t.url = std::string(item);
    }
    if (t.name.empty()) {
        auto rest = std::string_view(t.url).substr(t.url.find("://") + 3);
        t.name = std::string(rest.substr(0, rest.find('/')));
    }
    return t;
}

std::optional<std::string> check_targets(const core::ConfigValue& v) {
    for (const auto& item : std::get<core::StringList>(v)) {
        auto t = parse_target(item);
        if (t && t->url != kSelf && !is_http_url(t->url))
            return "\"" + item + "\" is not a URL (http://host:port/metrics, or name=URL)";
    }
    return std::nullopt;
}

// The value of cookie `name` in a Cookie header.
std::optional<std::string_view> cookie(const Request& req, std::string_view name) {
    auto header = req.header("Cookie");
    if (!header) return std::nullopt;
    for (auto pair : core::split_list(*header, ';')) {
        auto eq = pair.find('=');
        if (eq != std::string_view::npos && core::trim(pair.substr(0, eq)) == name)
            return core::trim(pair.substr(eq + 1));
    }
    return std::nullopt;
}

std::string report_kind(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find("<title>mindme plan") != std::string::npos) return "plan";
    if (head.find("load test") != std::string::npos) return "loadtest";
    return "report";
}

}  // namespace

void declare_console_config(core::ConfigSchema& schema) {
    schema.add_string("console.token", "",
                      "The operations console's secret (docs/web.md): /console signs in with "
                      "it, and /console/api takes it as a cookie or `Authorization: Bearer`. "
                      "Empty: the console is off (404).");
    schema.add_list("console.targets", {},
                    "The processes the console watches: URLs of their /metrics, each "
                    "optionally `name=URL`. Empty (and no targets file): this process alone.",
                    check_targets);
    schema.add_string("console.targets_file", "",
                      "A file of targets, one `name URL` or URL a line, read at every look: "
                      "`mindme fleet` keeps one current as its processes come and go.");
    schema.add_list("console.report_dirs", {"reports", "docs/reports"},
                    "Folders whose .html files (`mindme loadtest --html`, `mindme plan "
                    "--format html`) the console links to.");
}

bool Console::enabled(const core::Config& config) {
    return !config.get_string("console.token").empty();
}

bool Console::watches_others(const core::Config& config) {
    if (!enabled(config)) return false;
    if (!config.get_string("console.targets_file").empty()) return true;
    const auto& items = config.get_list("console.targets");
    return std::any_of(items.begin(), items.end(), [](const std::string& item) {
        auto t = parse_target(item);
        return t && t->url != kSelf;
    });
}

struct Console::Impl {
    Impl(const core::Config& config, metrics::Registry& r, upstream::HttpClient* c)
        : registry(r),
          client(c),
          token(config.get_string("console.token")),
          cookie_value(core::sha256_hex("mindme console session\n" + token)),
          metrics_token(config.get_string("metrics.token")),
          configured(config.get_list("console.targets")),
          targets_file(config.get_string("console.targets_file")),
          report_dirs(config.get_list("console.report_dirs")) {}

    metrics::Registry& registry;
    upstream::HttpClient* client;
    std::string token;
    std::string cookie_value;  // a digest: the cookie never holds the token itself
    std::string metrics_token;
    std::vector<std::string> configured;
    std::string targets_file;
    std::vector<std::string> report_dirs;

    bool signed_in(const Request& req) const {
        if (auto auth = req.header("Authorization"))
            return core::same_secret(*auth, "Bearer " + token);
        auto value = cookie(req, kCookie);
        return value && core::same_secret(*value, cookie_value);
    }

    void require_sign_in(const Request& req) const {
        if (!signed_in(req))
            throw core::ApiError(core::ErrorCode::kUnauthorized,
                                 "sign in to the console with its token (console.token)");
    }

    // Read at every look, so a fleet's file is always current.
    std::vector<Target> targets() const {
        std::vector<Target> out;
        for (const auto& item : configured)
            if (auto t = parse_target(item)) out.push_back(std::move(*t));
        if (!targets_file.empty()) {
            std::ifstream in(targets_file);
            std::string line;
            while (std::getline(in, line)) {
                // "name URL" as the fleet writes it, or a URL alone.
                auto space = line.find(' ');
                auto item = space == std::string::npos
                                ? line
                                : line.substr(0, space) + "=" + line.substr(space + 1);
                if (auto t = parse_target(item)) out.push_back(std::move(*t));
            }
        }
        if (out.empty()) out.push_back({"this process", std::string(kSelf)});
        return out;
    }

    boost::asio::awaitable<Response> scrape(const Target& t) const {
        Response r;
        r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        r.set_header("Cache-Control", "no-store");
        if (t.url == kSelf) {
            r.body = registry.render();
            co_return r;
        }
        upstream::ClientRequest request;
        request.url = t.url;
        if (!metrics_token.empty())
            request.headers.push_back({"Authorization", "Bearer " + metrics_token});
        upstream::CallOptions options;
        options.upstream = "console";
        options.deadline = upstream::Clock::now() + kScrapeTimeout;
        options.max_attempts = 1;  // the next sample is the retry
        options.idempotent = true;
        std::string why;
        try {
            auto answer = co_await client->send(std::move(request), options);
            if (answer.status == 200) {
                r.body = std::move(answer.body);
                co_return r;
            }
            why = "answered " + std::to_string(answer.status);
        } catch (const upstream::UpstreamError& e) {
            why = std::string(upstream::kind_name(e.kind())) + ": " + e.what();
        }
        auto down =
            Response::error(core::ErrorCode::kUnavailable, t.name + " is down (" + why + ")");
        down.set_header("Retry-After", "2");
        co_return down;
    }

    struct Report {
        std::string name;
        fs::path path;
        std::string kind;
        std::int64_t modified = 0;  // seconds since the epoch
        std::uintmax_t size = 0;
    };

    // Newest first; a name found in two folders is the first folder's.
    std::vector<Report> reports() const {
        std::vector<Report> out;
        for (const auto& dir : report_dirs) {
            std::error_code ec;
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                const auto& path = it->path();
                if (path.extension() != ".html" || !it->is_regular_file(ec)) continue;
                auto name = path.filename().string();
                if (std::any_of(out.begin(), out.end(),
                                [&](const Report& r) { return r.name == name; }))
                    continue;
                auto mtime = fs::last_write_time(path, ec);
                auto since_epoch = std::chrono::file_clock::to_sys(mtime).time_since_epoch();
                out.push_back(
                    {name, path, report_kind(path),
                     std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count(),
                     it->file_size(ec)});
                if (out.size() >= kMaxReports) break;
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const Report& a, const Report& b) { return a.modified > b.modified; });
        return out;
    }

    // The file of the report named `name` as the list names it (a .html file directly
    // in one of the folders, the first folder that has it), without reading the others.
    std::optional<fs::path> find_report(const std::string& name) const {
        if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos ||
            fs::path(name).extension() != ".html")
            return std::nullopt;
        for (const auto& dir : report_dirs) {
            std::error_code ec;
            auto path = fs::path(dir) / name;
            if (fs::is_regular_file(path, ec)) return path;
        }
        return std::nullopt;
    }
};

Console::Console(const core::Config& config, metrics::Registry& registry,
                 upstream::HttpClient* client)
    : impl_(std::make_unique<Impl>(config, registry, client)) {}

Console::~Console() = default;

void Console::add_routes(http::Router& router) {
    auto* impl = impl_.get();
    router.add(
        "POST", "/console/api/session",
        [impl](Request& req) -> boost::asio::awaitable<Response> {
            auto body = parse_json_object(req);
            if (!core::same_secret(require_string(body, "token"), impl->token))
                co_return Response::error(core::ErrorCode::kUnauthorized,
                                          "that is not the console's token");
            Response r;
            r.status = 204;
            r.set_header("Set-Cookie", std::string(kCookie) + "=" + impl->cookie_value +
                                           "; Path=/console; HttpOnly; SameSite=Strict");
            co_return r;
        },
        R"({"summary":"Sign in to the operations console","tags":["console"],
            "description":"Exists only when console.token is set. Sets an HttpOnly cookie (a digest of the token) for /console.",
            "requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["token"],
              "properties":{"token":{"type":"string"}}}}}},
            "responses":{"204":{"description":"Signed in"},"401":{"description":"Not the console's token"}}})");

    router.add(
        "DELETE", "/console/api/session",
        [](Request&) -> boost::asio::awaitable<Response> {
            Response r;
            r.status = 204;
            r.set_header(
                "Set-Cookie",
                std::string(kCookie) + "=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0");
            co_return r;
        },
        R"({"summary":"Sign out of the operations console","tags":["console"],
            "responses":{"204":{"description":"The cookie is cleared"}}})");

    router.add(
        "GET", "/console/api/targets",
        [impl](Request& req) -> boost::asio::awaitable<Response> {
            impl->require_sign_in(req);
            json::array items;
            for (const auto& t : impl->targets())
                items.push_back(json::object{{"name", t.name}, {"self", t.url == kSelf}});
            co_return Response::json(200, json::serialize(json::object{{"targets", items}}));
        },
        R"({"summary":"The processes the console watches","tags":["console"],
            "responses":{"200":{"description":"Their names","content":{"application/json":{"schema":{"type":"object",
              "properties":{"targets":{"type":"array","items":{"type":"object","properties":{
                "name":{"type":"string"},"self":{"type":"boolean"}}}}}}}}},
              "401":{"description":"Not signed in"}}})");

    router.add(
        "GET", "/console/api/metrics",
        [impl](Request& req) -> boost::asio::awaitable<Response> {
            impl->require_sign_in(req);
            auto name = req.query_param("target").value_or("");
            for (const auto& t : impl->targets())
                if (t.name == name) co_return co_await impl->scrape(t);
            co_return Response::error(core::ErrorCode::kNotFound,
                                      "no target named \"" + name + "\"");
        },
        R"({"summary":"One watched process's /metrics, as it answered","tags":["console"],
            "parameters":[{"name":"target","in":"query","required":true,"schema":{"type":"string"},
              "description":"A name from /console/api/targets."}],
            "responses":{"200":{"description":"Prometheus text 0.0.4","content":{"text/plain":{"schema":{"type":"string"}}}},
              "401":{"description":"Not signed in"},"404":{"description":"No such target"},
              "503":{"description":"The process did not answer: it is down"}}})");

    router.add(
        "GET", "/console/api/reports",
        [impl](Request& req) -> boost::asio::awaitable<Response> {
            impl->require_sign_in(req);
            json::array items;
            for (const auto& r : impl->reports())
                items.push_back(json::object{{"name", r.name},
                                             {"kind", r.kind},
                                             {"url", "/console/reports/" + r.name},
                                             {"modified", r.modified},
                                             {"size", r.size}});
            co_return Response::json(200, json::serialize(json::object{{"reports", items}}));
        },
        R"({"summary":"Load-test and plan reports the console found","tags":["console"],
            "responses":{"200":{"description":"Newest first","content":{"application/json":{"schema":{"type":"object"}}}},
              "401":{"description":"Not signed in"}}})");

    router.add(
        "GET", "/console/reports/{name}",
        [impl](Request& req) -> boost::asio::awaitable<Response> {
            impl->require_sign_in(req);
            const auto& name = req.params.at(0).second;
            if (auto path = impl->find_report(name)) {
                // Sent from the file in pieces, as static files are: a report may be large.
                int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
                struct stat st {};
                if (fd >= 0) {
                    auto file = std::make_shared<http::OpenFile>(fd);
                    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
                        Response r;
                        r.status = 200;
                        r.set_header("Content-Type", "text/html; charset=utf-8");
                        r.set_header("Cache-Control", "no-cache");
                        auto size = static_cast<std::uint64_t>(st.st_size);
                        co_return http::answer_with_file(req, std::move(r),
                                                         {http::FileSlice{file, 0, size},
                                                          http::file_etag(st), st.st_mtim.tv_sec});
                    }
                }
            }
            co_return Response::error(core::ErrorCode::kNotFound, "no such report");
        },
        R"({"summary":"One report, as written","tags":["console"],
            "parameters":[{"name":"name","in":"path","required":true,"schema":{"type":"string"}}],
            "responses":{"200":{"description":"The HTML report","content":{"text/html":{"schema":{"type":"string"}}}},
              "401":{"description":"Not signed in"},"404":{"description":"No such report"}}})");
}

}  // namespace mindme::app
