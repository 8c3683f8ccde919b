#pragma once
// One JSON line per simulated message (the dry run's output and the tests' view of it).
#include <string>

#include "feedsim/simulator.hpp"

namespace citymap::feedsim {

std::string describe(const Outgoing& message);

}  // namespace citymap::feedsim
