#pragma once
// The products the apps sell and what each unlocks (purchases.products): a product id as
// the stores know it, the entitlement it grants, and its kind. An item is a record
// {id, entitlement, kind} in the YAML file (kept as JSON), or "id:entitlement:kind" where
// a list is text (--set, the environment).
#include <optional>
#include <string>
#include <vector>

namespace mindme::purchases {

struct Product {
    std::string id;
    std::string entitlement;
    std::string kind;  // consumable | non-consumable | subscription
};

// Throws std::invalid_argument naming the item and what is wrong with it (a missing
// field, an unknown kind, an id twice).
std::vector<Product> parse_products(const std::vector<std::string>& items);

const Product* find_product(const std::vector<Product>& products, const std::string& id);

}  // namespace mindme::purchases
