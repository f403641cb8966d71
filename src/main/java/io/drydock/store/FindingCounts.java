package io.drydock.store;

/**
 * How many findings an image (or the fleet) has, by severity and by whose they are.
 *
 * @param other negligible and unknown
 * @param baseFixable findings in the base image that have a fixed version: a base update is all they need
 */
public record FindingCounts(int critical, int high, int medium, int low, int other, int base, int application, int fixable,
        int baseFixable) {
    public static final FindingCounts NONE = new FindingCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public int total() {
        return critical + high + medium + low + other;
    }
}
