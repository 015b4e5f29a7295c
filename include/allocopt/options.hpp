#pragma once
// Options tables (docs/design.md §Options). Every tunable parameter of a solver, and every run
// setting, is described once: as a row of an OptionTable bound to a field of its struct. The
// struct's member initialisers are the defaults; everything else comes from the rows:
//   * OptionSpec, the machine-readable row: type, default, bounds, a scale hint for tuners and
//     an optional condition (`ring_radius` applies only when `topology` is `ring`);
//   * OptionValues, values by name as text (CLI flags, `--opt`, config files, code), checked
//     against the rows;
//   * OptionTable::read, the struct from those values, and OptionTable::validate, which the
//     solvers call in their constructors: a bad value in code is refused like one in a file;
//   * OptionValues::settings, the typed values that result files write;
//   * the help text of `allocopt solvers` and `allocopt solve --help`.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"

namespace allocopt {

/// One row of an options table, as help text, files and tuners see it.
struct OptionSpec {
    enum class Type : std::uint8_t { integer, real, boolean, choice, text };
    /// How a tuner should sample a number: uniformly, or uniformly in its logarithm (for a
    /// parameter spanning orders of magnitude; its tuning range is then positive).
    enum class Scale : std::uint8_t { linear, log };

    std::string_view name;
    std::string_view description;
    Type type = Type::real;
    /// The default: a number, 0/1 for a boolean, a choice's index. Unused for text and for an
    /// optional row without a default.
    double default_value = 0;
    double min = 0;  ///< bounds of a number (inclusive); a choice's are 0 and its last index
    double max = 0;
    // `{}` here and below: g++ -Wextra flags a designated initializer that leaves out a member
    // with no default member initializer.
    std::vector<std::string_view> choices{};  ///< for Type::choice
    Scale scale = Scale::linear;
    /// When not empty, the row applies only while the option `depends_on` has one of the
    /// values `when` (choice names, true/false). Setting it otherwise is an error.
    std::string_view depends_on{};
    std::vector<std::string_view> when{};
    /// The row may have no value at all (a target); its default is then "no value".
    bool optional = false;
    std::string default_text{};  ///< the default as OptionValues::text() shows it
    /// The range a tuner samples unless told otherwise (`allocopt tune`, docs/tuning.md),
    /// inside [min, max]: the bounds say what is valid, this says what is worth trying in a
    /// run of seconds. NaN: the bounds themselves.
    double tune_min = std::numeric_limits<double>::quiet_NaN();
    double tune_max = std::numeric_limits<double>::quiet_NaN();
    /// false: a tuner keeps the default unless told to vary the row (`tune --param`), for a
    /// value with a special meaning (0 = automatic) or a knob that only trades time.
    bool tuned = true;

    /// The number `text` stands for under this row (a choice's index, 0 or 1 for a boolean).
    /// Throws InputError (key = name, value = text) for a malformed or out-of-bounds value.
    /// Not for Type::text.
    double parse(std::string_view text) const;
    /// A number of this row as text: a choice's name, true/false, an integer's digits.
    std::string show(double value) const;
    /// "integer in [2, 10000]", "one of global, ring", ...: for help text and messages.
    std::string domain() const;
};

std::string_view option_type_name(OptionSpec::Type type);

/// " (did you mean 'x'?)" for the nearest of `candidates` within a small edit distance.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// A value with its type, for writers: a result file writes integers as integers, booleans as
/// booleans and choices by name.
struct OptionSetting {
    std::string name;
    OptionSpec::Type type = OptionSpec::Type::real;
    double number = 0;  ///< numbers, booleans (0/1), a choice's index
    std::string text;   ///< the value as text (exact for integers of any size)
};

/// Option values by name, checked against a table of rows. Values are kept as text, so that
/// 64-bit integers (seeds) stay exact.
class OptionValues {
  public:
    OptionValues() = default;
    /// `table` must outlive the values.
    explicit OptionValues(const std::vector<OptionSpec>* table) : table_(table) {}

    /// Sets `name` from text ("0.9", "true", a choice name). Throws InputError (key = name)
    /// for an unknown name (with a did-you-mean hint), a bad value or a value out of bounds.
    void set(std::string_view name, std::string_view text);
    /// The value as a number, or the row's default (NaN for an optional row without one).
    double get(std::string_view name) const;
    int get_int(std::string_view name) const { return static_cast<int>(get(name)); }
    /// The value as text (as set, or the default's text; empty for an absent optional value).
    std::string text(std::string_view name) const;
    /// Whether set() gave `name` a value (else get() returns the table's default).
    bool is_set(std::string_view name) const;
    /// Whether the row `name` applies with the current values (see OptionSpec::depends_on).
    bool active(std::string_view name) const;
    /// Throws InputError when an option was set that does not apply (its condition is false).
    void check_conditions() const;
    /// Every applicable option with its typed value, in table order (absent optional values
    /// left out): what result files and configs write.
    std::vector<OptionSetting> settings() const;

    const std::vector<OptionSpec>& table() const;

  private:
    const OptionSpec& spec(std::string_view name) const;
    const std::vector<OptionSpec>* table_ = nullptr;
    std::vector<std::pair<std::string, std::string>> values_;  // as set, in order
};

/// The rows of one options struct S, each bound to a field. Build it once (a function-local
/// static) with the adders, which take the field, its description and its bounds:
///
///   static const OptionTable<GeneticOptions> table = OptionTable<GeneticOptions>()
///       .integer("population", &GeneticOptions::population, "members kept", 2, 10000)
///       .real("crossover_rate", &GeneticOptions::crossover_rate, "...", 0, 1)
///       .not_above("elite", "population");
///
/// The defaults are read from S{} (its member initialisers).
template <class S>
class OptionTable {
  public:
    using Scale = OptionSpec::Scale;

    /// An integral field (int, std::uint64_t, ...) in [min, max].
    template <class F>
    requires(std::is_integral_v<F> && !std::is_same_v<F, bool>)
        OptionTable& integer(std::string_view name, F S::*field, std::string_view description,
                             double min, double max, Scale scale = Scale::linear) {
        Row row;
        row.spec = make_spec(name, description, OptionSpec::Type::integer, min, max);
        row.spec.scale = scale;
        row.get = [field](const S& s) { return static_cast<double>(s.*field); };
        row.text = [field](const S& s) { return std::to_string(s.*field); };
        row.set = [field](S& s, double v, std::string_view text) {
            s.*field = exact_integer<F>(v, text);
        };
        return add(std::move(row));
    }
    /// A real field in [min, max] (finite).
    OptionTable& real(std::string_view name, double S::*field, std::string_view description,
                      double min, double max, Scale scale = Scale::linear) {
        Row row;
        row.spec = make_spec(name, description, OptionSpec::Type::real, min, max);
        row.spec.scale = scale;
        row.get = [field](const S& s) { return s.*field; };
        row.set = [field](S& s, double v, std::string_view) { s.*field = v; };
        return add(std::move(row));
    }
    /// An optional real field: no value, or a finite number in [min, max].
    OptionTable& real(std::string_view name, std::optional<double> S::*field,
                      std::string_view description, double min, double max) {
        Row row;
        row.spec = make_spec(name, description, OptionSpec::Type::real, min, max);
        row.spec.optional = true;
        row.get = [field](const S& s) { return (s.*field).value_or(std::nan("")); };
        row.set = [field](S& s, double v, std::string_view) { s.*field = v; };
        row.absent = [field](const S& s) { return !(s.*field).has_value(); };
        return add(std::move(row));
    }
    OptionTable& boolean(std::string_view name, bool S::*field, std::string_view description) {
        Row row;
        row.spec = make_spec(name, description, OptionSpec::Type::boolean, 0, 1);
        row.get = [field](const S& s) { return s.*field ? 1.0 : 0.0; };
        row.set = [field](S& s, double v, std::string_view) { s.*field = v != 0; };
        return add(std::move(row));
    }
    /// A field (an enum or an integer) holding the index of one of `names`.
    template <class E>
    requires(std::is_enum_v<E> ||
             std::is_integral_v<E>) OptionTable& choice(std::string_view name, E S::*field,
                                                        std::string_view description,
                                                        std::vector<std::string_view> names) {
        Row row;
        const double last = names.empty() ? 0 : static_cast<double>(names.size() - 1);
        row.spec = make_spec(name, description, OptionSpec::Type::choice, 0, last);
        row.spec.choices = std::move(names);
        row.get = [field](const S& s) { return static_cast<double>(s.*field); };
        row.set = [field](S& s, double v, std::string_view) {
            s.*field = static_cast<E>(static_cast<long long>(v));
        };
        return add(std::move(row));
    }
    /// A free text field (a solver's name).
    OptionTable& text(std::string_view name, std::string S::*field, std::string_view description) {
        Row row;
        row.spec = make_spec(name, description, OptionSpec::Type::text, 0, 0);
        row.get = [](const S&) { return 0.0; };
        row.text = [field](const S& s) { return s.*field; };
        row.set = [field](S& s, double, std::string_view text) { s.*field = std::string(text); };
        return add(std::move(row));
    }

    /// The last row applies only while `option` has one of `values`.
    OptionTable& only_when(std::string_view option, std::vector<std::string_view> values) {
        rows_.back().spec.depends_on = option;
        rows_.back().spec.when = std::move(values);
        specs_.back() = rows_.back().spec;
        return *this;
    }
    /// The last row's tuning range (OptionSpec::tune_min, tune_max): within its bounds.
    OptionTable& tune_range(double low, double high) {
        rows_.back().spec.tune_min = low;
        rows_.back().spec.tune_max = high;
        specs_.back() = rows_.back().spec;
        return *this;
    }
    /// A tuner leaves the last row at its default unless asked (OptionSpec::tuned).
    OptionTable& not_tuned() {
        rows_.back().spec.tuned = false;
        specs_.back() = rows_.back().spec;
        return *this;
    }
    /// `low` must be at most `high` (ruin_min and ruin_max).
    OptionTable& not_above(std::string_view low, std::string_view high) {
        pairs_.emplace_back(low, high);
        return *this;
    }

    const std::vector<OptionSpec>& specs() const { return specs_; }

    /// The struct with `values` over the defaults, validated. `values` must carry this
    /// table's specs(). Throws InputError as OptionValues::set and validate() do, and for an
    /// option set where it does not apply.
    S read(const OptionValues& values) const {
        values.check_conditions();
        S s{};
        for (const Row& row : rows_) {
            if (!values.is_set(row.spec.name)) continue;
            const std::string text = values.text(row.spec.name);
            const double v =
                row.spec.type == OptionSpec::Type::text ? 0 : values.get(row.spec.name);
            row.set(s, v, text);
        }
        validate(s, &values);
        return s;
    }

    /// Throws InputError naming the option and quoting its value when a field is out of its
    /// bounds (or not finite, or not one of its choices), and naming both when a not_above()
    /// pair is reversed. `given`, when known, tells which values were set (for the message).
    void validate(const S& s, const OptionValues* given = nullptr) const {
        for (const Row& row : rows_) {
            const OptionSpec& spec = row.spec;
            if (spec.type == OptionSpec::Type::text) continue;
            if (row.absent && row.absent(s)) continue;
            const double v = row.get(s);
            const bool ok = std::isfinite(v) && v >= spec.min && v <= spec.max;
            if (!ok) throw InputError(std::string(spec.name), shown(row, s), out_of_domain(spec));
        }
        for (const auto& [low, high] : pairs_) {
            const Row& a = row_named(low);
            const Row& b = row_named(high);
            if (a.get(s) <= b.get(s)) continue;
            auto shown_pair = [&](const Row& r) {
                const bool set = given && given->is_set(r.spec.name);
                return std::string(r.spec.name) + "=" + shown(r, s) +
                       (given && !set ? " (the default)" : "");
            };
            throw InputError("", "",
                             "solver options " + shown_pair(a) + " and " + shown_pair(b) +
                                 " contradict each other: " + std::string(low) +
                                 " must be at most " + std::string(high));
        }
    }

    /// Sets the field of row `name` from `text` without checking its bounds (a tuner writing
    /// a candidate; validate() checks it). Throws InputError for an unknown name or text that
    /// is not a value of the row's type at all.
    void assign(S& s, std::string_view name, std::string_view text) const {
        const Row& row = row_named(name);
        OptionSpec loose = row.spec;
        loose.min = -std::numeric_limits<double>::infinity();
        loose.max = std::numeric_limits<double>::infinity();
        const double v = loose.type == OptionSpec::Type::text ? 0 : loose.parse(text);
        row.set(s, v, text);
    }

    /// The value of row `name` in `s`, as text ("" for an absent optional value).
    std::string text(const S& s, std::string_view name) const { return shown(row_named(name), s); }

    /// Values of `s` by name (every applicable row), e.g. to write a struct as a config.
    OptionValues values(const S& s) const {
        OptionValues out(&specs_);
        for (const Row& row : rows_) {
            if (row.absent && row.absent(s)) continue;
            const std::string text = shown(row, s);
            if (text != row.spec.default_text) out.set(row.spec.name, text);
        }
        return out;
    }

  private:
    struct Row {
        OptionSpec spec;
        std::function<double(const S&)> get;
        std::function<std::string(const S&)> text;  // null: spec.show(get())
        std::function<void(S&, double, std::string_view)> set;
        std::function<bool(const S&)> absent;  // null: never absent
    };

    static OptionSpec make_spec(std::string_view name, std::string_view description,
                                OptionSpec::Type type, double min, double max) {
        OptionSpec spec;
        spec.name = name;
        spec.description = description;
        spec.type = type;
        spec.min = min;
        spec.max = max;
        return spec;
    }

    template <class F>
    static F exact_integer(double v, std::string_view text) {
        // Large values written as digits (seeds) are read from their digits: the double is
        // exact only below 2^53. Other spellings (1e16) take the double, clamped to F.
        if (std::abs(v) >= 9007199254740992.0 && !text.empty()) {
            F out{};
            const char* end = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), end, out);
            if (ec == std::errc() && ptr == end) return out;
        }
        if (v <= static_cast<double>(std::numeric_limits<F>::lowest()))
            return std::numeric_limits<F>::lowest();
        if (v >= static_cast<double>(std::numeric_limits<F>::max()))
            return std::numeric_limits<F>::max();
        return static_cast<F>(v);
    }

    static std::string out_of_domain(const OptionSpec& spec) { return "expected " + spec.domain(); }

    std::string shown(const Row& row, const S& s) const {
        if (row.absent && row.absent(s)) return "";
        return row.text ? row.text(s) : row.spec.show(row.get(s));
    }

    const Row& row_named(std::string_view name) const {
        for (const Row& row : rows_) {
            if (row.spec.name == name) return row;
        }
        std::vector<std::string> names;
        for (const Row& row : rows_)
            names.emplace_back(row.spec.name);
        throw InputError(std::string(name), "",
                         "unknown option" + allocopt::did_you_mean(name, names));
    }

    OptionTable& add(Row row) {
        static const S defaults{};
        row.spec.default_value = row.get(defaults);
        row.spec.default_text = shown(row, defaults);
        specs_.push_back(row.spec);
        rows_.push_back(std::move(row));
        return *this;
    }

    std::vector<Row> rows_;
    std::vector<OptionSpec> specs_;
    std::vector<std::pair<std::string_view, std::string_view>> pairs_;
};

}  // namespace allocopt
