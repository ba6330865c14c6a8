/// The NaiveBayes family's registered operators.
public enum NaiveBayesFamily {
    public static let entries: [OperatorEntry] = [
        OperatorEntry(GaussianNB.self),
        OperatorEntry(BernoulliNB.self),
        OperatorEntry(MultinomialNB.self),
    ]
}
