#include "cmd/command_output.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>

#include "cmd/exit_codes.hpp"

namespace mindme::cmd {

void write_output(const std::string& text, const std::string& path) {
    if (path == "-") {
        std::cout << text << std::flush;
        return;
    }
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

int run_reporting_errors(const std::string& name, const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::invalid_argument& e) {
        std::cerr << "mindme " << name << ": " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "mindme " << name << ": " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace mindme::cmd
