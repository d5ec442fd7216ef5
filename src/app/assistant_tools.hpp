#pragma once
// The two tools the assistant's models may call, run here for the user of the conversation
// (text through Converse, voice through Nova Sonic): search_memories(query) over the user's
// search index, create_memory(title, body) as POST /v1/memories would.
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "search/search.hpp"
#include "store/memories.hpp"

namespace mindme::app {

class AssistantTools {
public:
    AssistantTools(store::MemoryStore& memories, search::SearchIndex& index);

    // The tool specifications: Converse takes the input schema as JSON, Nova Sonic as a
    // string of JSON.
    boost::json::array converse_specs() const;
    boost::json::array sonic_specs() const;

    // Runs tool `name` with `input` for `user_id`: its result as JSON ({"hits": [...]},
    // {"created": id}, or {"error": why} for a bad call, which the model may correct).
    // `wrote` is set when the user's data changed. ApiError unavailable (the store is
    // down) goes to the caller.
    boost::asio::awaitable<boost::json::object> run(std::string user_id, std::string name,
                                                    boost::json::object input, bool& wrote,
                                                    store::Deadline deadline);

    store::MemoryStore& memories() { return memories_; }

private:
    store::MemoryStore& memories_;
    search::SearchIndex& index_;
};

}  // namespace mindme::app
