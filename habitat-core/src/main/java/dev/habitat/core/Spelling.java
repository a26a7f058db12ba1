package dev.habitat.core;

import java.util.Collection;
import java.util.Locale;
import java.util.List;
import java.util.Optional;

/** "Did you mean": the known word nearest to a misspelt one, for keys, phases and properties alike. */
public final class Spelling {
    private Spelling() {
    }

    /** {@code a, b or c}: the choices a message offers. */
    public static String choices(List<String> words) {
        return words.size() < 2 ? String.join("", words)
                : String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }

    /** The known word at most {@code maxDistance} edits from {@code word} (case ignored), the nearest first found. */
    public static Optional<String> nearest(String word, Collection<String> known, int maxDistance) {
        if (word == null || word.isBlank()) {
            return Optional.empty();
        }
        String w = word.trim().toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = maxDistance + 1;
        for (String k : known) {
            int d = distance(w, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance; the words are short. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
