public protocol FeatureImportanceProvider { var featureImportances: [Double] { get } }
