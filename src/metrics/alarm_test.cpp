// One test per rule of SCALING.md's "CloudWatch alarm".
#include "metrics/alarm.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mindme::metrics {
namespace {

constexpr std::int64_t P = 60;

AlarmSpec spec(int n, int m, MissingData missing = MissingData::kMissing) {
    AlarmSpec s;
    s.name = "cpu-high";
    s.period_seconds = P;
    s.evaluation_periods = n;
    s.datapoints_to_alarm = m;
    s.comparison = Comparison::kGreaterThanThreshold;
    s.threshold = 70;
    s.missing = missing;
    return s;
}

// Feeds one datapoint per period from period 0 on ('B' breaching, 'o' not, '-' none)
// and evaluates at the end of the last one.
AlarmState feed(Alarm& alarm, const std::string& points) {
    std::int64_t period = 0;
    for (char c : points) {
        if (c == 'B') alarm.record(period * P, 90);
        if (c == 'o') alarm.record(period * P, 10);
        ++period;
    }
    return alarm.evaluate(period * P);
}

TEST(Alarm, StartsInInsufficientData) {
    Alarm alarm(spec(3, 3));
    EXPECT_EQ(alarm.state(), AlarmState::kInsufficientData);
    EXPECT_EQ(alarm.evaluate(0), AlarmState::kInsufficientData);
}

TEST(Alarm, MOfTheLastNBreachingNeedNotBeConsecutive) {
    Alarm spread(spec(5, 3));
    EXPECT_EQ(feed(spread, "BoBoB"), AlarmState::kAlarm);
    Alarm too_few(spec(5, 3));
    EXPECT_EQ(feed(too_few, "BoooB"), AlarmState::kOk);
    Alarm older(spec(3, 3));  // breaches before the last N do not count
    EXPECT_EQ(feed(older, "BBBo"), AlarmState::kOk);
}

TEST(Alarm, DatapointsToAlarmDefaultsToEvaluationPeriods) {
    Alarm two_of_three(spec(3, 0));
    EXPECT_EQ(feed(two_of_three, "oBB"), AlarmState::kOk);
    Alarm three(spec(3, 0));
    EXPECT_EQ(feed(three, "BBB"), AlarmState::kAlarm);
}

TEST(Alarm, TheComparisonDecidesWhatBreaches) {
    auto s = spec(1, 1);
    s.comparison = Comparison::kGreaterThanOrEqualToThreshold;
    Alarm at_least(s);
    at_least.record(0, 70);
    EXPECT_EQ(at_least.evaluate(P), AlarmState::kAlarm);
    s.comparison = Comparison::kGreaterThanThreshold;
    Alarm above(s);
    above.record(0, 70);
    EXPECT_EQ(above.evaluate(P), AlarmState::kOk);
    s.comparison = Comparison::kLessThanThreshold;
    s.threshold = 30;
    Alarm below(s);
    below.record(0, 29.9);
    EXPECT_EQ(below.evaluate(P), AlarmState::kAlarm);
    s.comparison = Comparison::kLessThanOrEqualToThreshold;
    Alarm at_most(s);
    at_most.record(0, 30);
    EXPECT_EQ(at_most.evaluate(P), AlarmState::kAlarm);
}

TEST(Alarm, WithNRealPointsInTheRangeTheNewestNDecideAndGapsAreSkipped) {
    // Range N + 2 = 5 periods; three real points in it, with a gap: they decide.
    for (auto missing : {MissingData::kMissing, MissingData::kNotBreaching}) {
        Alarm alarm(spec(3, 3, missing));
        EXPECT_EQ(feed(alarm, "BB-B-"), AlarmState::kAlarm);
    }
    // Only the newest N of the real points: an older non-breaching one is left out.
    Alarm newest(spec(3, 3));
    EXPECT_EQ(feed(newest, "oBBB"), AlarmState::kAlarm);
}

TEST(Alarm, PointsOlderThanTheRangeAreNotUsed) {
    // Three breaches, then four periods without data: the oldest is outside N + 2.
    Alarm alarm(spec(3, 3, MissingData::kNotBreaching));
    EXPECT_EQ(feed(alarm, "BBB---"), AlarmState::kOk);
}

TEST(Alarm, WithNoDataTheTreatmentDecides) {
    Alarm missing(spec(3, 3, MissingData::kMissing));
    EXPECT_EQ(feed(missing, "BBB"), AlarmState::kAlarm);
    EXPECT_EQ(missing.evaluate(10 * P), AlarmState::kInsufficientData);

    Alarm ignore(spec(3, 3, MissingData::kIgnore));
    EXPECT_EQ(feed(ignore, "BBB"), AlarmState::kAlarm);
    EXPECT_EQ(ignore.evaluate(10 * P), AlarmState::kAlarm);  // keeps its state
    Alarm ignore_ok(spec(3, 3, MissingData::kIgnore));
    EXPECT_EQ(feed(ignore_ok, "ooo"), AlarmState::kOk);
    EXPECT_EQ(ignore_ok.evaluate(10 * P), AlarmState::kOk);

    Alarm breaching(spec(3, 3, MissingData::kBreaching));
    EXPECT_EQ(breaching.evaluate(10 * P), AlarmState::kAlarm);
    Alarm not_breaching(spec(3, 3, MissingData::kNotBreaching));
    EXPECT_EQ(not_breaching.evaluate(10 * P), AlarmState::kOk);
}

TEST(Alarm, WithFewerThanNRealPointsGapsAreFilledAsTreated) {
    // One real breach in the last three periods, M = 2.
    Alarm breaching(spec(3, 2, MissingData::kBreaching));
    EXPECT_EQ(feed(breaching, "--B"), AlarmState::kAlarm);
    Alarm not_breaching(spec(3, 2, MissingData::kNotBreaching));
    EXPECT_EQ(feed(not_breaching, "--B"), AlarmState::kOk);
    Alarm missing(spec(3, 2, MissingData::kMissing));
    EXPECT_EQ(feed(missing, "--B"), AlarmState::kOk);  // too young to alarm alone
    Alarm two(spec(3, 2, MissingData::kMissing));
    EXPECT_EQ(feed(two, "-BB"), AlarmState::kAlarm);
}

TEST(Alarm, APrematureAlarmDoesNotWaitForLateData) {
    // The oldest breach of the last N is M periods old; the newer periods are missing.
    Alarm late(spec(3, 3, MissingData::kMissing));
    EXPECT_EQ(feed(late, "B--"), AlarmState::kAlarm);
    Alarm ignore(spec(3, 3, MissingData::kIgnore));
    EXPECT_EQ(feed(ignore, "B--"), AlarmState::kAlarm);
    // A newer point that does not breach contradicts it.
    Alarm contradicted(spec(3, 3, MissingData::kMissing));
    EXPECT_EQ(feed(contradicted, "Bo-"), AlarmState::kOk);
    // Younger than M periods: no.
    Alarm young(spec(3, 3, MissingData::kMissing));
    EXPECT_EQ(feed(young, "-B-"), AlarmState::kOk);
    // With missing data treated as not breaching the rule has nothing to apply to.
    Alarm not_breaching(spec(3, 3, MissingData::kNotBreaching));
    EXPECT_EQ(feed(not_breaching, "B--"), AlarmState::kOk);
}

TEST(Alarm, ADatapointBelongsToItsPeriodWhoseDatapointsAggregateByTheStatistic) {
    auto s = spec(1, 1);
    s.period_seconds = 10;  // high resolution
    Alarm alarm(s);
    alarm.record(19, 90);  // period [10, 20)
    EXPECT_EQ(alarm.evaluate(20), AlarmState::kAlarm);
    alarm.record(25, 90);
    alarm.record(29, 10);  // the same period: Average 50, not above 70
    EXPECT_EQ(alarm.evaluate(30), AlarmState::kOk);
    EXPECT_DOUBLE_EQ(*alarm.newest(Statistic::kAverage), 50);
    EXPECT_DOUBLE_EQ(*alarm.newest(Statistic::kMaximum), 90);
    EXPECT_DOUBLE_EQ(*alarm.newest(Statistic::kMinimum), 10);
    EXPECT_DOUBLE_EQ(*alarm.newest(Statistic::kSum), 100);
    EXPECT_DOUBLE_EQ(*alarm.newest(Statistic::kSampleCount), 2);
    // A period that has not ended is not evaluated.
    alarm.record(30, 90);
    EXPECT_EQ(alarm.evaluate(39), AlarmState::kOk);
    EXPECT_EQ(alarm.evaluate(40), AlarmState::kAlarm);
}

TEST(Alarm, EachStatisticDecidesOnItsOwnAggregate) {
    auto breaching = [](Statistic statistic, double threshold) {
        auto s = spec(1, 1);
        s.statistic = statistic;
        s.threshold = threshold;
        Alarm alarm(s);
        for (double v : {10.0, 20.0, 60.0}) alarm.record(5, v);  // one period
        return alarm.evaluate(P) == AlarmState::kAlarm;
    };
    EXPECT_FALSE(breaching(Statistic::kAverage, 30));  // 30
    EXPECT_TRUE(breaching(Statistic::kAverage, 29));
    EXPECT_TRUE(breaching(Statistic::kSum, 89));  // 90
    EXPECT_FALSE(breaching(Statistic::kSum, 90));
    EXPECT_TRUE(breaching(Statistic::kMaximum, 59));
    EXPECT_FALSE(breaching(Statistic::kMinimum, 10));
    EXPECT_TRUE(breaching(Statistic::kSampleCount, 2));
    EXPECT_EQ(statistic_named("SampleCount"), Statistic::kSampleCount);
    EXPECT_FALSE(statistic_named("p99"));
}

TEST(Alarm, AMonthOfPeriodsStillEvaluatesOnTheNewest) {
    Alarm alarm(spec(3, 2));
    std::int64_t t = 0;
    for (; t < 43'200 * P; t += P) alarm.record(t, 10);  // a month of quiet minutes
    alarm.record(t, 90);
    alarm.record(t + P, 90);
    EXPECT_EQ(alarm.evaluate(t + 2 * P), AlarmState::kAlarm);
}

TEST(Alarm, AnAlarmActsOnEnteringTheStateThenEverySixtySeconds) {
    Alarm alarm(spec(1, 1));
    alarm.record(0, 90);
    ASSERT_EQ(alarm.evaluate(60), AlarmState::kAlarm);
    EXPECT_TRUE(alarm.take_action(60));
    EXPECT_FALSE(alarm.take_action(90));
    alarm.record(60, 90);
    alarm.evaluate(120);
    EXPECT_TRUE(alarm.take_action(120));
    // Leaving ALARM ends it; entering again acts at once.
    alarm.record(120, 10);
    ASSERT_EQ(alarm.evaluate(180), AlarmState::kOk);
    EXPECT_FALSE(alarm.take_action(180));
    alarm.record(180, 90);
    ASSERT_EQ(alarm.evaluate(200), AlarmState::kOk);  // its period has not ended
    ASSERT_EQ(alarm.evaluate(240), AlarmState::kAlarm);
    EXPECT_TRUE(alarm.take_action(240));
}

TEST(Alarm, ASpecThatCannotBeAnAlarmIsRefusedByField) {
    auto expect_refused = [](AlarmSpec s, const std::string& field) {
        try {
            Alarm alarm(s);
            ADD_FAILURE() << "accepted; expected an error about " << field;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        }
    };
    auto s = spec(3, 3);
    s.period_seconds = 0;
    expect_refused(s, "Period");
    s = spec(0, 0);
    expect_refused(s, "EvaluationPeriods");
    s = spec(3, 4);
    expect_refused(s, "DatapointsToAlarm");
}

}  // namespace
}  // namespace mindme::metrics
