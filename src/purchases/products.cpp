#include "purchases/products.hpp"

#include <boost/json.hpp>
#include <set>
#include <stdexcept>

namespace mindme::purchases {

namespace {

Product parse_item(const std::string& item) {
    Product p;
    if (!item.empty() && item.front() == '{') {
        boost::system::error_code ec;
        auto value = boost::json::parse(item, ec);
        if (ec || !value.is_object())
            throw std::invalid_argument("product " + item + " is not a record");
        auto field = [&](const char* name) {
            const auto* v = value.as_object().if_contains(name);
            return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        p = {field("id"), field("entitlement"), field("kind")};
    } else {
        auto a = item.find(':');
        auto b = a == std::string::npos ? a : item.find(':', a + 1);
        if (b == std::string::npos || item.find(':', b + 1) != std::string::npos)
            throw std::invalid_argument("product " + item + " is not id:entitlement:kind");
        p = {item.substr(0, a), item.substr(a + 1, b - a - 1), item.substr(b + 1)};
    }
    if (p.id.empty() || p.id.size() > 128)
        throw std::invalid_argument("product " + item + ": id must be 1 to 128 characters");
    if (p.entitlement.empty() || p.entitlement.size() > 64)
        throw std::invalid_argument("product " + item + ": entitlement must be 1 to 64 characters");
    if (p.kind != "consumable" && p.kind != "non-consumable" && p.kind != "subscription")
        throw std::invalid_argument("product " + item +
                                    ": kind must be consumable, non-consumable or subscription");
    return p;
}

}  // namespace

std::vector<Product> parse_products(const std::vector<std::string>& items) {
    std::vector<Product> out;
    std::set<std::string> ids;
    for (const auto& item : items) {
        auto p = parse_item(item);
        if (!ids.insert(p.id).second)
            throw std::invalid_argument("product " + p.id + " is listed twice");
        out.push_back(std::move(p));
    }
    return out;
}

const Product* find_product(const std::vector<Product>& products, const std::string& id) {
    for (const auto& p : products)
        if (p.id == id) return &p;
    return nullptr;
}

}  // namespace mindme::purchases
