package io.k8spacket.query.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Estimates how many instructions an RE2 pattern compiles to, before re2j compiles it. re2j matches in linear
 * time but expands counted repetitions without a size limit: {@code (a{1000}){1000}} compiles to a million
 * instructions (half a second and hundreds of MB) and {@code ((a{1000}){1000}){1000}} exhausts the heap. Go's
 * RE2 refuses such patterns ("expression too large"); {@link QueryParams} refuses them above
 * {@link #MAX_INSTRUCTIONS} with a 400.
 *
 * <p>The estimate counts one per literal character, escape, class, operator and group, and multiplies a repeated
 * atom by its largest count: {@code (ab){3}} is (2 + 1) × 3 = 9, {@code web|api} is 7. It errs high (flag groups
 * count one), never low by more than a constant per atom. Malformed patterns get some estimate; re2j then reports
 * the syntax error.
 */
final class RegexSize {
  /** Largest accepted estimate: far above real filters (a 1000-character pattern is about 1000). */
  static final long MAX_INSTRUCTIONS = 10_000;

  private RegexSize() {}

  /** Running sizes of one group: everything so far, and the last atom (what a quantifier repeats). */
  private static final class Frame {
    long total;
    long last;

    void atom(long weight) {
      total = add(total, weight);
      last = weight;
    }
  }

  static long estimate(String re) {
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame());
    int i = 0;
    int n = re.length();
    while (i < n) {
      char c = re.charAt(i);
      Frame top = stack.peek();
      switch (c) {
        case '\\' -> {
          if (i + 1 < n && re.charAt(i + 1) == 'Q') {
            int end = re.indexOf("\\E", i + 2);
            int stop = end < 0 ? n : end;
            top.total = add(top.total, stop - (i + 2));
            top.last = 1;
            i = end < 0 ? n : end + 2;
          } else {
            top.atom(1);
            i = skipEscape(re, i);
          }
        }
        case '[' -> {
          top.atom(1);
          i = skipClass(re, i);
        }
        case '(' -> {
          stack.push(new Frame());
          i++;
        }
        case ')' -> {
          if (stack.size() > 1) {
            Frame group = stack.pop();
            stack.peek().atom(add(group.total, 1));
          } else {
            top.atom(1);
          }
          i++;
        }
        case '|' -> {
          top.total = add(top.total, 1);
          top.last = 0;
          i++;
        }
        case '*', '+', '?' -> {
          top.total = add(top.total, 1);
          i++;
        }
        case '{' -> i = repeat(re, i, top);
        default -> {
          top.atom(1);
          i++;
        }
      }
    }
    long total = 0;
    while (!stack.isEmpty()) {
      total = add(total, stack.pop().total); // unclosed groups: re2j rejects them, the sum is some estimate
    }
    return total;
  }

  /** {@code {n}}, {@code {n,}} or {@code {n,m}} repeats the last atom; anything else is a literal brace. */
  private static int repeat(String re, int open, Frame top) {
    int j = open + 1;
    int n = re.length();
    int minStart = j;
    while (j < n && Character.isDigit(re.charAt(j))) {
      j++;
    }
    if (j == minStart || j >= n) {
      top.atom(1);
      return open + 1;
    }
    long min = count(re.substring(minStart, j));
    long max = min;
    if (re.charAt(j) == ',') {
      j++;
      int maxStart = j;
      while (j < n && Character.isDigit(re.charAt(j))) {
        j++;
      }
      max = j == maxStart ? add(min, 1) : count(re.substring(maxStart, j));
    }
    if (j >= n || re.charAt(j) != '}') {
      top.atom(1);
      return open + 1;
    }
    long times = Math.max(Math.max(min, max), 1);
    long repeated = multiply(top.last, times);
    top.total = add(top.total, repeated - top.last);
    top.last = repeated;
    return j + 1;
  }

  private static long count(String digits) {
    return digits.length() > 9 ? 1_000_000_000L : Long.parseLong(digits); // re2j refuses counts over 1000
  }

  /** The index after the escape at {@code i}: {@code \x{…}}, {@code \p{…}}, {@code \pL}, {@code \xHH}, others. */
  private static int skipEscape(String re, int i) {
    int n = re.length();
    if (i + 1 >= n) {
      return n;
    }
    char d = re.charAt(i + 1);
    if ((d == 'x' || d == 'p' || d == 'P') && i + 2 < n && re.charAt(i + 2) == '{') {
      int close = re.indexOf('}', i + 3);
      return close < 0 ? n : close + 1;
    }
    if (d == 'x') {
      return Math.min(n, i + 4);
    }
    if (d == 'p' || d == 'P') {
      return Math.min(n, i + 3);
    }
    return i + 2;
  }

  /** The index after the character class opening at {@code i} ({@code ]} first is literal; escapes skipped). */
  private static int skipClass(String re, int i) {
    int n = re.length();
    int j = i + 1;
    if (j < n && re.charAt(j) == '^') {
      j++;
    }
    if (j < n && re.charAt(j) == ']') {
      j++;
    }
    while (j < n) {
      char c = re.charAt(j);
      if (c == '\\') {
        j = skipEscape(re, j);
      } else if (c == '[' && j + 1 < n && re.charAt(j + 1) == ':') {
        int close = re.indexOf(":]", j + 2);
        j = close < 0 ? j + 1 : close + 2;
      } else if (c == ']') {
        return j + 1;
      } else {
        j++;
      }
    }
    return n;
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long multiply(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }
}
