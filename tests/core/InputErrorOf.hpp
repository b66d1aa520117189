// The message of the InputError that f() throws, or "" when it does not throw: for tests of the core's messages.
#pragma once

#include "util/Error.hpp"

#include <QString>

#include <functional>

namespace unroll::test {

inline QString inputErrorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace unroll::test
