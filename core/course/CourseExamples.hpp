// The course's eight seeded examples of "Building a Recurrent Neural Network - Step by Step", computed by our core.
//
//   const auto examples = runCourseExamples();      // rnn_cell_forward … lstm_backward, in the notebook's order
//   examples[1].array("a").at({4, 1, 0});            // numpy's a[4][1][0] of rnn_forward
//   std::string text = courseExamplesText(examples); // what the notebook's test cells print
//
// Each example seeds unroll::Rng (numpy's legacy RandomState, bit for bit) with 1, draws its inputs and parameters
// in the 2021 notebook's order (rnn_cell_backward and rnn_backward draw Wax before Waa;
// lstm_backward does not draw Wy, by, and its da has 4 steps while x has 7, so only steps 0..3 are used) and runs
// them through RecurrentLayer / Dense / cellBackward in double precision. The results are the course's return values
// in numpy's shapes and C (row-major) order, under the course's names:
//   rnn_cell_forward   a_next (5,10), yt_pred (2,10)
//   rnn_forward        a (5,10,4), y_pred (2,10,4)
//   lstm_cell_forward  a_next, c_next (5,10), yt_pred (2,10)
//   lstm_forward       a (5,10,7), y (2,10,7), c (5,10,7)
//   rnn_cell_backward  dxt (3,10), da_prev (5,10), dWax (5,3), dWaa (5,5), dba (5,1)
//   rnn_backward       dx (3,10,4), da0 (5,10), dWax, dWaa, dba
//   lstm_cell_backward dxt (3,10), da_prev, dc_prev (5,10), dWf, dWi, dWc, dWo (5,8), dbf, dbi, dbc, dbo (5,1)
//   lstm_backward      dx (3,10,4), da0 (5,10), dWf … dbo
// A 3-D numpy array x (n, m, T) is element x[i][j][t] of our sequence matrix X (n, m*T) at X(i, t*m + j).
//
// The Dinosaur Island examples (clip, sample, optimize) use the same form: see
// charlm/CourseNames.hpp, runDinosaurExamples().
//
// Leaves out: the caches (only the x they hold is printed, as in the notebook), the v3a variants (lstm_backward with
// Wy, by drawn at random), the notebook's hidden-grader tests. Nothing here prints: the text is returned.
#pragma once

#include "nn/Types.hpp"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace unroll {

// A dense n-dimensional array in numpy's C order: the last axis varies fastest. An empty shape is numpy's 0-d array
// (one value: a scalar such as optimize's loss).
struct NdArray {
    std::vector<std::int64_t> shape;
    std::vector<double> data; // product(shape) values, C order
    bool integer = false;     // the values are numpy integers (sampled indices): written without a fraction

    // The value at a full index (one entry per axis). Throws std::out_of_range naming the index and the shape.
    double at(std::initializer_list<std::int64_t> index) const;
    // The values along the last axis at leading indices `lead` (ndim - 1 entries): numpy's a[i][j] of a 3-D a.
    std::span<const double> lastAxis(std::initializer_list<std::int64_t> lead) const;
    // "(5, 10, 4)", as numpy prints a shape.
    std::string shapeString() const;
};

// M (r, c) as numpy's (r, c) array.
NdArray fromMatrix(const MatD& M);

struct CourseExample {
    std::string function;                                // "rnn_forward"
    std::vector<std::pair<std::string, NdArray>> arrays; // the course's return values, in its order; a key
                                                         // "group/name" is `name` within `group` ("maxValue_5/db")
    std::vector<std::string> printed;                    // the notebook's print lines (an entry may wrap)

    // The array under `key`; throws std::out_of_range if there is none.
    const NdArray& array(std::string_view key) const;
};

// The eight examples in the notebook's order: rnn_cell_forward, rnn_forward, lstm_cell_forward, lstm_forward,
// rnn_cell_backward, rnn_backward, lstm_cell_backward, lstm_backward.
std::vector<CourseExample> runCourseExamples();

// What the notebook's test cells print, function by function: the function's name, its print lines, an empty line.
// Arrays are formatted as numpy 1.24 prints them (8 digits, aligned, wrapped at 75 columns), scalars as numpy's
// float64 str (the shortest repr that round-trips).
std::string courseExamplesText(const std::vector<CourseExample>& examples);
std::string courseExamplesText();

// numpy's str() of a 1-D float64 array with the default print options, e.g. "[ 0.5 -1. ]".
std::string numpyArrayString(std::span<const double> values);
// numpy's str() of one float64, e.g. "0.17211776753291663", "1.0", "1e-05".
std::string numpyScalarString(double value);

} // namespace unroll
