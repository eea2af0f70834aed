package io.k8spacket.query.http;

/** The JSON body of every error answer: {@code {"error":"<what is wrong>"}}. */
public record ApiError(String error) {}
