#include "app/assistant_tools.hpp"

#include <boost/json.hpp>

#include "app/memory_input.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"

namespace mindme::app {

namespace json = boost::json;
using core::ApiError;
using core::ErrorCode;

namespace {

constexpr std::size_t kSearchHits = 5;
constexpr std::size_t kMemoryIdBytes = 16;

struct Tool {
    const char* name;
    const char* description;
    json::object schema;
};

std::vector<Tool> tools() {
    auto schema = [](json::object properties, json::array required) {
        return json::object{{"type", "object"},
                            {"properties", std::move(properties)},
                            {"required", std::move(required)}};
    };
    return {{"search_memories", "Search the user's memories and file texts; the best hits.",
             schema({{"query", {{"type", "string"}, {"description", "The words to look for."}}}},
                    {"query"})},
            {"create_memory", "Save a new memory for the user.",
             schema({{"title", {{"type", "string"}}}, {"body", {{"type", "string"}}}}, {"title"})}};
}

json::array specs(bool schema_as_text) {
    json::array out;
    for (auto& t : tools()) {
        json::value schema = schema_as_text ? json::value(json::serialize(t.schema))
                                            : json::value(std::move(t.schema));
        json::object spec{{"name", t.name},
                          {"description", t.description},
                          {"inputSchema", json::object{{"json", std::move(schema)}}}};
        out.push_back(json::object{{"toolSpec", std::move(spec)}});
    }
    return out;
}

}  // namespace

AssistantTools::AssistantTools(store::MemoryStore& memories, search::SearchIndex& index)
    : memories_(memories), index_(index) {}

json::array AssistantTools::converse_specs() const { return specs(false); }

json::array AssistantTools::sonic_specs() const { return specs(true); }

boost::asio::awaitable<json::object> AssistantTools::run(std::string user_id, std::string name,
                                                         json::object input, bool& wrote,
                                                         store::Deadline deadline) {
    try {
        if (name == "search_memories") {
            const auto* q = input.if_contains("query");
            if (!q || !q->is_string())
                throw ApiError(ErrorCode::kUnprocessable, "query must be a string");
            auto query = std::string(q->as_string());
            auto hits = co_await index_.search(std::move(user_id), std::move(query), kSearchHits);
            json::array found;
            for (const auto& h : hits)
                found.push_back(
                    {{"kind", h.kind}, {"id", h.id}, {"title", h.title}, {"snippet", h.snippet}});
            co_return json::object{{"hits", std::move(found)}};
        }
        if (name == "create_memory") {
            auto memory = memory_from_json(input);
            memory.id = core::random_id(kMemoryIdBytes);
            memory.user_id = std::move(user_id);
            auto created = co_await memories_.create(std::move(memory), core::now_ms(), deadline);
            wrote = true;
            co_return json::object{{"created", created.id}};
        }
        co_return json::object{{"error", "unknown tool " + name}};
    } catch (const ApiError& e) {
        if (e.code() == ErrorCode::kUnavailable) throw;
        co_return json::object{{"error", std::string("the tool failed: ") + e.what()}};
    }
}

}  // namespace mindme::app
