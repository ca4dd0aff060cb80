package dev.pier.oci.registry;

/** What Pier tried to do, for messages: {@code push manifest acme/app:v1 to 127.0.0.1:5000}. */
record Action(String description) {

    static Action of(String verb, String what, String preposition, String registry) {
        return new Action(verb + " " + what + " " + preposition + " " + registry);
    }

    /** The first word (push, fetch, list, …): a metric label with few values. */
    String verb() {
        int space = description.indexOf(' ');
        return space < 0 ? description : description.substring(0, space);
    }

    @Override
    public String toString() {
        return description;
    }
}
