// Products from configuration: records (YAML, kept as JSON) and id:entitlement:kind text,
// and every way an item can be wrong refused with the item named.
#include "purchases/products.hpp"

#include <gtest/gtest.h>

namespace mindme::purchases {
namespace {

TEST(Products, ReadRecordsAndText) {
    auto products = parse_products(
        {R"({"id":"mindme.plus.monthly","entitlement":"plus","kind":"subscription"})",
         "mindme.lifetime:plus:non-consumable"});
    ASSERT_EQ(products.size(), 2u);
    EXPECT_EQ(products[0].id, "mindme.plus.monthly");
    EXPECT_EQ(products[0].kind, "subscription");
    EXPECT_EQ(products[1].entitlement, "plus");
    EXPECT_EQ(find_product(products, "mindme.lifetime"), &products[1]);
    EXPECT_EQ(find_product(products, "other"), nullptr);
}

TEST(Products, RefuseWhatIsWrongNamingTheItem) {
    for (const std::string bad :
         {"no-colons", "a:b", "a:b:c:d", "a:b:monthly", ":plus:subscription", "a::consumable",
          R"({"id":"x","kind":"consumable"})", R"({"id":"x")", "{}"}) {
        try {
            parse_products({bad});
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("product"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(parse_products({"a:plus:consumable", "a:gold:consumable"}), std::invalid_argument);
}

}  // namespace
}  // namespace mindme::purchases
