"""Management APIs (apigateway v1 now; apigatewayv2, lambda, @connections later), driven by botocore."""
